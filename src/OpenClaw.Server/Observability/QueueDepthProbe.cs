using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Observability;

/// <summary>The spec's <c>task_queue_depth</c>: queued tasks per priority, asked of the database at most once a second.</summary>
/// <remarks>Several scrapers (or a dashboard refreshing fast) then cost the database one grouped count a second.</remarks>
internal sealed class QueueDepthProbe(IExecutionQueries queries, TimeProvider time, ILogger<QueueDepthProbe> logger) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyDictionary<TaskPriority, long>? _cached;
    private DateTimeOffset _cachedAt;

    /// <returns>The counts, or null when the database could not be asked (the scrape goes on without them).</returns>
    public async Task<IReadOnlyDictionary<TaskPriority, long>?> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_cached is null || now - _cachedAt >= CacheFor)
            {
                _cached = await queries.CountQueuedAsync(cancellationToken).ConfigureAwait(false);
                _cachedAt = now;
            }
            return _cached;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Counting queued tasks for task_queue_depth failed; the scrape leaves it out");
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    public async Task WriteAsync(PrometheusTextWriter writer, CancellationToken cancellationToken)
    {
        var counts = await GetAsync(cancellationToken).ConfigureAwait(false);
        writer.Family("task_queue_depth", "gauge", "Tasks waiting in the queue (status queued, including those not yet due: delays and retry backoff), by priority.");
        if (counts is null) return;
        foreach (var priority in Enum.GetValues<TaskPriority>())
            writer.Sample("task_queue_depth", counts.GetValueOrDefault(priority), ("priority", priority.ToString().ToLowerInvariant()));
    }
}
