using System.Diagnostics;

namespace OpenClaw.Runtime.Telemetry;

/// <summary>
/// The runtime's trace spans: <c>execution</c> when an execution starts (a child of the request or schedule that started
/// it) and <c>step</c> for each step attempt (a child of the execution's span, continued from the W3C traceparent stored
/// on the execution row, so a step on another node or hours later joins the same trace).
/// </summary>
public static class OpenClawTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name to subscribe to (OpenTelemetry's <c>AddSource</c>).</summary>
    public const string SourceName = "OpenClaw";

    public static readonly ActivitySource Source = new(SourceName, typeof(OpenClawTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The span context a stored traceparent names, or default when there is none or it does not parse.</summary>
    public static ActivityContext ParentOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;
}
