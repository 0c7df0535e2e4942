using System.Diagnostics;

namespace OpenClaw.Server.Observability;

/// <summary>The spec's application metrics: requests, durations, errors and requests in flight.</summary>
/// <remarks>
/// Requests are labelled by route template (<c>/api/v2/workflows/{id}</c>), never the raw path, so the number of
/// series stays bounded whatever clients send; requests no endpoint matched share the route <c>unmatched</c>.
/// </remarks>
internal sealed class HttpMetrics
{
    /// <summary>Upper bounds in seconds, from 5 ms to 10 s (the client libraries' customary defaults).</summary>
    public static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly string[] Labels = ["method", "route", "status"];

    private long _inFlight;

    public CounterFamily Requests { get; } = new("http_requests_total", "HTTP requests answered, by method, route template and status code.", Labels);

    public CounterFamily Errors { get; } = new("http_requests_errors_total", "HTTP requests answered with a server error (status 5xx, including unhandled exceptions), by method, route template and status code.", Labels);

    public HistogramFamily Duration { get; } = new("http_request_duration_seconds", "Time from receiving an HTTP request to finishing its answer, in seconds.", DurationBuckets, Labels);

    /// <summary>Requests being handled right now.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestFinished(string method, string route, int status, double seconds)
    {
        Interlocked.Decrement(ref _inFlight);
        var labels = new[] { NormalizeMethod(method), route, status.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        Requests.Increment(labels);
        if (status >= 500) Errors.Increment(labels);
        Duration.Observe(seconds, labels);
    }

    public void Write(PrometheusTextWriter writer)
    {
        Requests.Write(writer);
        Duration.Write(writer);
        Errors.Write(writer);
        // The spec's name ends in _total, which Prometheus reserves for counters, yet this value goes down; "untyped"
        // (which Prometheus treats like a gauge) keeps the spec's name without claiming counter semantics, and passes
        // promtool's lint, which rejects a gauge named *_total.
        writer.Family("active_connections_total", "untyped", "HTTP requests in flight right now, this scrape included (a gauge; typed untyped only because the spec's name ends in _total).");
        writer.Sample("active_connections_total", InFlight);
    }

    /// <summary>Standard methods by name; anything else as <c>OTHER</c>, so a client cannot mint series.</summary>
    private static string NormalizeMethod(string method) => method switch
    {
        "GET" or "POST" or "PUT" or "PATCH" or "DELETE" or "HEAD" or "OPTIONS" => method,
        _ => "OTHER",
    };
}

/// <summary>Times every request and records it in <see cref="HttpMetrics"/>; runs outermost so it sees the final status.</summary>
internal sealed class HttpMetricsMiddleware(RequestDelegate next, HttpMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = new RouteHolder();
        context.Features.Set(route);
        metrics.RequestStarted();
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        finally
        {
            metrics.RequestFinished(context.Request.Method, route.Template ?? Template(context) ?? "unmatched", status, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>
    /// Notes the matched route template; runs right after routing, because the exception handler clears the endpoint
    /// before the outer middleware could read it.
    /// </summary>
    public static Task CaptureRoute(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<RouteHolder>() is { } holder) holder.Template = Template(context);
        return next(context);
    }

    private static string? Template(HttpContext context) => (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;

    private sealed class RouteHolder
    {
        public string? Template { get; set; }
    }
}
