using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Storage.Postgres;

namespace OpenClaw.Server.Health;

/// <summary>
/// Ready when the queue's backlog can be counted; on PostgreSQL, degraded while the LISTEN connection (wake-ups, live
/// events across nodes, cache invalidations) is down: work still gets done, found by polling, but later.
/// </summary>
internal sealed class QueueHealthCheck(IExecutionQueries queries, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyDictionary<TaskPriority, long> queued;
        try
        {
            queued = await queries.CountQueuedAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The task queue cannot be read.", ex);
        }

        var data = new Dictionary<string, object> { ["queued"] = queued.Values.Sum() };
        var listener = services.GetService<PostgresQueueListener>();
        var pg = services.GetService<IOptions<PostgresStorageOptions>>()?.Value;
        if (listener is not null && pg is not null && (pg.ListenForTasks || pg.ListenForExecutionChanges || pg.ListenForCacheInvalidations))
        {
            data["listener_connected"] = listener.IsListening;
            if (!listener.IsListening)
                return HealthCheckResult.Degraded("The PostgreSQL LISTEN connection is down; reconnecting (work is found by polling meanwhile).", data: data);
        }
        return HealthCheckResult.Healthy($"{queued.Values.Sum()} tasks queued.", data);
    }
}
