using System.Text.Json;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Scheduling;

/// <summary>Queued tasks per priority, every priority present.</summary>
public sealed record PriorityCounts(long Low, long Normal, long High, long Critical)
{
    public static PriorityCounts From(IReadOnlyDictionary<TaskPriority, long> counts) => new(
        counts.GetValueOrDefault(TaskPriority.Low), counts.GetValueOrDefault(TaskPriority.Normal),
        counts.GetValueOrDefault(TaskPriority.High), counts.GetValueOrDefault(TaskPriority.Critical));
}

/// <summary>A named queue.</summary>
public sealed record QueueResponse(string Name, bool Paused, DateTimeOffset? PausedAt, PriorityCounts Depth, long Delayed, long Running)
{
    public static QueueResponse From(QueueSummary q) => new(q.Name, q.Paused, q.PausedAt, PriorityCounts.From(q.Depth), q.Delayed, q.Running);
}

/// <summary>The scheduler statistics (the spec's SchedulerStats).</summary>
public sealed record QueueStatsResponse(
    long Submitted, long Completed, long Failed, long Retried, PriorityCounts Depth, long Delayed, long Running, long DeadLetters)
{
    public static QueueStatsResponse From(QueueStatistics s) =>
        new(s.Submitted, s.Completed, s.Failed, s.Retried, PriorityCounts.From(s.Depth), s.Delayed, s.Running, s.DeadLetters);
}

/// <summary>A dead letter in a listing.</summary>
public sealed record DeadLetterResponse(
    Guid TaskId, Guid ExecutionId, string WorkflowId, int WorkflowVersion, string StepKey, string StepId, string? Plugin, string Queue,
    TaskPriority Priority, string? LastError, int Attempts, DateTimeOffset FailedAt)
{
    public static DeadLetterResponse From(DeadLetter d) =>
        new(d.TaskId, d.ExecutionId, d.WorkflowId, d.WorkflowVersion, d.StepKey, d.StepId, d.PluginName, d.Queue, d.Priority, d.Error, d.Attempts, d.FailedAt);
}

/// <summary>One attempt of a dead letter.</summary>
public sealed record DeadLetterAttempt(int Attempt, string Status, string? Error, string? Worker, JsonElement? Inputs, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

/// <summary>A dead letter with the step's resolved inputs and every attempt (<c>history</c>, oldest first).</summary>
public sealed record DeadLetterDetailResponse(
    Guid TaskId, Guid ExecutionId, string WorkflowId, int WorkflowVersion, string StepKey, string StepId, string? Plugin, string Queue,
    TaskPriority Priority, string? LastError, int Attempts, DateTimeOffset FailedAt, JsonElement? Inputs, IReadOnlyList<DeadLetterAttempt> History)
{
    public static DeadLetterDetailResponse From(DeadLetterDetail detail)
    {
        var d = detail.Letter;
        return new(d.TaskId, d.ExecutionId, d.WorkflowId, d.WorkflowVersion, d.StepKey, d.StepId, d.PluginName, d.Queue, d.Priority, d.Error,
            d.Attempts, d.FailedAt, detail.Inputs,
            [.. detail.Attempts.Select(a => new DeadLetterAttempt(a.Attempt, a.Status.ToWire(), a.Error, a.WorkerId, a.Inputs, a.StartedAt, a.FinishedAt))]);
    }
}

/// <summary>What a requeue or retry started.</summary>
/// <param name="From"><c>failed_step</c> (the same execution resumed) or <c>start</c> (a new execution).</param>
/// <param name="RetryOf">For <c>start</c>: the execution retried.</param>
public sealed record RetryResponse(Guid ExecutionId, string Status, string From, string Location, Guid? RetryOf);
