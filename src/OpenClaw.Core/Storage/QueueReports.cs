namespace OpenClaw.Core.Storage;

/// <summary>Assembles queue listings from per-(queue, priority) counts; shared by both backends so they answer alike.</summary>
public sealed class QueueSummaryBuilder
{
    private readonly SortedDictionary<string, (Dictionary<TaskPriority, long> Depth, long Delayed, long Running, DateTimeOffset? PausedAt)> _queues =
        new(StringComparer.Ordinal) { [Definitions.WorkflowDefinition.DefaultQueue] = ([], 0, 0, null) };

    public void AddCounts(string queue, TaskPriority priority, long queued, long delayed, long running)
    {
        var entry = Get(queue);
        if (queued > 0) entry.Depth[priority] = entry.Depth.GetValueOrDefault(priority) + queued;
        _queues[queue] = entry with { Delayed = entry.Delayed + delayed, Running = entry.Running + running };
    }

    public void AddPause(string queue, DateTimeOffset pausedAt) => _queues[queue] = Get(queue) with { PausedAt = pausedAt };

    public IReadOnlyList<QueueSummary> Build() =>
        [.. _queues.Select(q => new QueueSummary(q.Key, q.Value.PausedAt is not null, q.Value.PausedAt, q.Value.Depth, q.Value.Delayed, q.Value.Running))];

    private (Dictionary<TaskPriority, long> Depth, long Delayed, long Running, DateTimeOffset? PausedAt) Get(string queue) =>
        _queues.TryGetValue(queue, out var entry) ? entry : ([], 0, 0, null);
}

/// <summary>Sums per-priority task counts into <see cref="QueueStatistics"/>.</summary>
public sealed class QueueStatisticsBuilder
{
    private readonly Dictionary<TaskPriority, long> _depth = [];
    private long _submitted, _completed, _failed, _delayed, _running;

    public long Retried { get; set; }

    public long DeadLetters { get; set; }

    public void Add(TaskPriority priority, long submitted, long completed, long failed, long queued, long delayed, long running)
    {
        _submitted += submitted;
        _completed += completed;
        _failed += failed;
        _delayed += delayed;
        _running += running;
        if (queued > 0) _depth[priority] = _depth.GetValueOrDefault(priority) + queued;
    }

    public QueueStatistics Build() => new(_submitted, _completed, _failed, Retried, _depth, _delayed, _running, DeadLetters);
}

/// <summary>Cuts a page read with one extra row into its items and the cursor of the next page.</summary>
public static class KeysetPage
{
    public static Page<T> Cut<T>(List<T> items, int limit, Func<T, DateTimeOffset> time, Func<T, Guid> id)
    {
        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            var last = items[^1];
            next = KeysetCursor.Encode(time(last).ToUnixTimeMilliseconds(), id(last).ToString("D"));
        }
        return new Page<T>(items, next);
    }
}
