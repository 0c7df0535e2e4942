namespace OpenClaw.Runtime.Execution;

/// <summary>
/// Decides whether a new execution may start: consulted by <see cref="ExecutionCoordinator.StartAsync"/> for every
/// start, whatever started it (API, manual run, webhook, schedule, retry from the start), after the inputs are bound.
/// The server's implementation enforces each tenant's daily execution quota.
/// </summary>
public interface IExecutionAdmission
{
    /// <summary>Admits the start (counting it) or refuses it.</summary>
    /// <exception cref="ExecutionQuotaExceededException">The tenant has started as many executions today as it may.</exception>
    ValueTask AdmitAsync(StartExecutionRequest request, CancellationToken cancellationToken);

    /// <summary>Gives back what <see cref="AdmitAsync"/> counted when the start did not happen after all.</summary>
    ValueTask ReleaseAsync(StartExecutionRequest request);
}

/// <summary>A start refused because the tenant's daily execution quota (UTC day) is used up.</summary>
public sealed class ExecutionQuotaExceededException(string tenantId, int limit, TimeSpan retryAfter)
    : Exception($"Tenant '{tenantId}' has started its quota of {limit} executions today (UTC); more can start after midnight UTC.")
{
    public string TenantId { get; } = tenantId;

    public int Limit { get; } = limit;

    /// <summary>Until the next UTC midnight.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
