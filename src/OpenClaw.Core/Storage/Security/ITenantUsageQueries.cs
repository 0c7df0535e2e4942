namespace OpenClaw.Core.Storage;

/// <summary>What a tenant uses, for its quotas.</summary>
public interface ITenantUsageQueries
{
    /// <summary>The tenant's workflows.</summary>
    Task<long> CountWorkflowsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's executions created at or after <paramref name="since"/>.</summary>
    Task<long> CountExecutionsSinceAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken = default);
}
