using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenClaw.Server.Caching.Redis;

namespace OpenClaw.Server.Caching;

/// <summary>Ready when the configured Redis answers PING (within the client's operation timeout).</summary>
internal sealed class RedisHealthCheck(RedisClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Redis at {client.Settings} answers PING.");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(
                $"Redis at {client.Settings} does not answer; rate limits and execution quotas are counted per node until it does.", ex);
        }
    }
}
