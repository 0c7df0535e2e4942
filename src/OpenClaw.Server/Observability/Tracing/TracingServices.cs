using OpenClaw.Runtime.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OpenClaw.Server.Observability.Tracing;

/// <summary>
/// OpenTelemetry traces over OTLP/HTTP (protobuf) when <c>OpenClaw:Tracing:OtlpEndpoint</c> is set: spans of requests
/// (ASP.NET Core's own, which honour an incoming W3C <c>traceparent</c>), executions and steps.
/// </summary>
/// <remarks>
/// The <see cref="TracerProvider"/> is built here and owned by the container (disposed, and so flushed, with the host):
/// OpenTelemetry's hosting package does not restore in this environment.
/// </remarks>
public static class TracingServices
{
    /// <summary>The sources exported: ASP.NET Core's request spans and the runtime's execution and step spans.</summary>
    public static readonly string[] Sources = ["Microsoft.AspNetCore", OpenClawTelemetry.SourceName];

    public static WebApplicationBuilder AddOpenClawTracing(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("OpenClaw:Tracing");
        builder.Services.AddOptions<TracingOptions>().Bind(section);
        var options = section.Get<TracingOptions>() ?? new TracingOptions();
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint)) return builder;
        if (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"OpenClaw:Tracing:OtlpEndpoint '{options.OtlpEndpoint}' is not an http(s) address.");
        if (options.ExportDelay <= TimeSpan.Zero)
            throw new InvalidOperationException("OpenClaw:Tracing:ExportDelay must be positive.");
        if (endpoint.AbsolutePath is "" or "/") endpoint = new Uri(endpoint, "/v1/traces");

        var role = builder.Configuration["OpenClaw:Role"] ?? "all";
        var service = builder.Configuration["OpenClaw:ServiceName"] ?? (role == "all" ? "openclaw" : "openclaw-" + role);
        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .AddSource(Sources)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(service, serviceInstanceId: Environment.MachineName + "-" + Environment.ProcessId))
            .AddOtlpExporter(otlp =>
            {
                otlp.Endpoint = endpoint;
                otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = (int)options.ExportDelay.TotalMilliseconds;
            })
            .Build());
        builder.Services.AddHostedService<TracerProviderStarter>();
        return builder;
    }

    /// <summary>Builds the provider as the host starts, before requests arrive (a singleton is otherwise built on first use).</summary>
    private sealed class TracerProviderStarter(TracerProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(provider);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            provider.ForceFlush(5000);
            return Task.CompletedTask;
        }
    }
}
