using System.Reflection;

namespace OpenClaw.Server.Observability;

/// <summary>Assembles one scrape of every metric family, in the spec's groups: system, application, business, custom.</summary>
internal sealed class MetricsExporter(
    SystemMetrics system, HttpMetrics http, ExecutionMetrics executions, ActiveUserTracker users, QueueDepthProbe queue, WorkerMetrics workers)
{
    /// <summary>The metric names the specification lists (监控指标体系); each appears in every scrape.</summary>
    public static readonly string[] SpecMetricNames =
    [
        "cpu_usage_percent", "memory_usage_percent", "disk_usage_percent", "network_io_bytes_total",
        "http_requests_total", "http_request_duration_seconds", "http_requests_errors_total", "active_connections_total",
        "workflows_executed_total", "tasks_processed_total", "plugin_usage_total", "active_users_total",
        "workflow_execution_duration_seconds", "plugin_execution_success_rate", "task_queue_depth",
    ];

    private static readonly string Version =
        typeof(MetricsExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(MetricsExporter).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public async Task<string> ScrapeAsync(CancellationToken cancellationToken)
    {
        var writer = new PrometheusTextWriter();
        writer.Family("openclaw_build_info", "gauge", "Always 1; the labels say which build of OpenClaw is running.");
        writer.Sample("openclaw_build_info", 1, ("version", Version), ("dotnet", Environment.Version.ToString()));
        system.Write(writer);
        http.Write(writer);
        executions.Write(writer);
        users.Write(writer);
        await queue.WriteAsync(writer, cancellationToken).ConfigureAwait(false);
        workers.Write(writer);
        return writer.ToString();
    }
}

/// <summary>Registration of the metrics services, the request-timing middleware and <c>GET /metrics</c>.</summary>
internal static class MetricsEndpoint
{
    /// <summary>
    /// Registers the metrics services; call before the runtime is added, so the execution listener subscribes before
    /// the runtime starts running executions.
    /// </summary>
    public static IServiceCollection AddOpenClawMetrics(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton(new SystemMetrics(dataDirectory));
        services.AddSingleton<HttpMetrics>();
        services.AddSingleton<ExecutionMetrics>();
        services.AddSingleton(sp => new ActiveUserTracker(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(sp => new QueueDepthProbe(
            sp.GetRequiredService<Core.Storage.IExecutionQueries>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<QueueDepthProbe>>()));
        services.AddSingleton<WorkerMetrics>();
        services.AddSingleton<MetricsExporter>();
        services.AddHostedService<ExecutionMetricsListener>();
        return services;
    }

    /// <summary>Times every request; goes first in the pipeline so it sees the status the client gets.</summary>
    public static IApplicationBuilder UseOpenClawHttpMetrics(this IApplicationBuilder app) => app.UseMiddleware<HttpMetricsMiddleware>();

    /// <summary>Notes the matched route template for the request metrics; goes right after <c>UseRouting</c>.</summary>
    public static IApplicationBuilder UseOpenClawRouteCapture(this IApplicationBuilder app) => app.Use(HttpMetricsMiddleware.CaptureRoute);

    /// <summary><c>GET /metrics</c> in the Prometheus text format (outside <c>/api</c>, unversioned, like the health endpoints).</summary>
    public static IEndpointRouteBuilder MapOpenClawMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/metrics", async (MetricsExporter exporter, CancellationToken ct) =>
            Results.Text(await exporter.ScrapeAsync(ct), PrometheusTextWriter.ContentType))
            // Scraped by Prometheus without credentials, as is usual; it exposes counts, never tenant data. Restrict by network.
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }
}
