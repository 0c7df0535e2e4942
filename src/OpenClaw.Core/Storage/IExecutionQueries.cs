namespace OpenClaw.Core.Storage;

/// <summary>Reporting reads over executions, kept apart from the engine's hot path.</summary>
public interface IExecutionQueries
{
    /// <summary>An execution with every step instance and attempt, or null (also when it belongs to another tenant).</summary>
    Task<ExecutionDetail?> GetAsync(string tenantId, Guid executionId, CancellationToken cancellationToken = default);

    /// <summary>Lists executions, newest first.</summary>
    Task<Page<ExecutionRecord>> ListAsync(ExecutionQuery query, CancellationToken cancellationToken = default);

    /// <summary>Queued tasks per priority, across all tenants (the operator's queue-depth gauge).</summary>
    /// <remarks>
    /// Counts every task in status <c>queued</c>, including those not yet due (delays, retry backoff); priorities with
    /// no queued task are absent from the result.
    /// </remarks>
    Task<IReadOnlyDictionary<TaskPriority, long>> CountQueuedAsync(CancellationToken cancellationToken = default);
}

/// <summary>An execution with its step history.</summary>
public sealed record ExecutionDetail(ExecutionRecord Execution, IReadOnlyList<StepRunRecord> Steps, IReadOnlyList<StepAttemptRecord> Attempts);

/// <summary>Filters for listing executions.</summary>
public sealed record ExecutionQuery(
    string TenantId,
    string? WorkflowId = null,
    ExecutionStatus? Status = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Trigger = null,
    int Limit = 50,
    string? Cursor = null);
