using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenClaw.Server.Api;
using OpenClaw.Server.Plugins;

namespace OpenClaw.Server.Health;

/// <summary>
/// <c>/health/live</c> (the process answers; no dependency is consulted, so a database outage does not get the
/// process restarted) and <c>/health/ready</c> (database, queue, storage, plugins, and Redis when configured; 503 when
/// any is unhealthy, 200 when all are healthy or degraded).
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddOpenClawHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<QueueHealthCheck>("queue", tags: [ReadyTag])
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<PluginsHealthCheck>("plugins", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapOpenClawHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync })
            .WithTags("Health").AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithTags("Health").AllowAnonymous();
        return endpoints;
    }
}
