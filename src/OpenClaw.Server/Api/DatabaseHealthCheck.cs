using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Api;

/// <summary>Ready when the database answers a query.</summary>
internal sealed class DatabaseHealthCheck(IExecutionStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.NextDueAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex);
        }
    }
}
