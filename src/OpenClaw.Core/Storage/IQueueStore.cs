using System.Text.Json;

namespace OpenClaw.Core.Storage;

/// <summary>
/// The operator's view of the queue on the <c>tasks</c> table: named queues and their pauses, statistics, and the
/// failed queue (dead letters). Everything is per tenant; another tenant's rows are invisible.
/// </summary>
public interface IQueueStore
{
    /// <summary>The tenant's queues: <c>default</c>, every queue holding queued or running tasks, and every paused queue, by name.</summary>
    Task<IReadOnlyList<QueueSummary>> ListQueuesAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Every paused queue of every tenant (what a worker process must not claim from).</summary>
    Task<IReadOnlyList<PausedQueue>> ListPausedAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Pauses or resumes a queue; durable, and announced to every process (PostgreSQL: NOTIFY). Resuming also wakes the
    /// workers, whose tasks in that queue may be due.
    /// </summary>
    /// <returns>Whether the state changed (false: it was already so).</returns>
    Task<bool> SetPausedAsync(string tenantId, string queue, bool paused, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The spec's scheduler statistics for the tenant, computed from the tables.</summary>
    Task<QueueStatistics> GetStatisticsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Dead letters, newest failure first.</summary>
    Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken = default);

    /// <summary>One dead letter with its inputs and every attempt, or null (also once discarded or requeued).</summary>
    Task<DeadLetterDetail?> GetDeadLetterAsync(string tenantId, Guid taskId, CancellationToken cancellationToken = default);

    /// <summary>Removes a dead letter from the failed queue; its execution stays failed. False when there is none.</summary>
    Task<bool> DiscardDeadLetterAsync(string tenantId, Guid taskId, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>A paused queue.</summary>
public sealed record PausedQueue(string TenantId, string Queue, DateTimeOffset PausedAt);

/// <summary>A named queue: its queued tasks per priority (due now and delayed), running tasks, and whether it is paused.</summary>
public sealed record QueueSummary(
    string Name, bool Paused, DateTimeOffset? PausedAt, IReadOnlyDictionary<TaskPriority, long> Depth, long Delayed, long Running);

/// <summary>
/// The scheduler statistics of the specification (<c>SchedulerStats</c>) over the tenant's queue tasks (plugin and
/// delay steps): submitted (every task ever queued), completed, failed (for good), retried (attempts after the first),
/// queued tasks per priority, how many of those are delayed (not yet due), running, and dead letters.
/// </summary>
public sealed record QueueStatistics(
    long Submitted, long Completed, long Failed, long Retried, IReadOnlyDictionary<TaskPriority, long> Depth, long Delayed,
    long Running, long DeadLetters);

/// <summary>Filters for listing dead letters.</summary>
public sealed record DeadLetterQuery(string TenantId, string? WorkflowId = null, int Limit = 50, string? Cursor = null);

/// <summary>
/// A dead letter: a plugin or delay task that failed for good (its retries exhausted, no <c>on_failure</c> step) and so
/// failed its execution, which is still failed.
/// </summary>
public sealed record DeadLetter(
    Guid TaskId, Guid ExecutionId, string WorkflowId, int WorkflowVersion, string StepKey, string StepId, string? PluginName,
    string Queue, TaskPriority Priority, string? Error, int Attempts, DateTimeOffset FailedAt);

/// <summary>A dead letter with the step's resolved inputs and the history of its attempts.</summary>
public sealed record DeadLetterDetail(DeadLetter Letter, JsonElement? Inputs, IReadOnlyList<StepAttemptRecord> Attempts);
