namespace OpenClaw.Server.Observability.Tracing;

/// <summary>Trace export settings (section <c>OpenClaw:Tracing</c>).</summary>
public sealed class TracingOptions
{
    /// <summary>
    /// An OTLP/HTTP collector, e.g. <c>http://otel-collector:4318</c> (spans go to <c>/v1/traces</c> as protobuf) or the
    /// full traces URL; unset turns exporting off.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>How long finished spans wait to be sent in a batch (default 5 s).</summary>
    public TimeSpan ExportDelay { get; set; } = TimeSpan.FromSeconds(5);
}
