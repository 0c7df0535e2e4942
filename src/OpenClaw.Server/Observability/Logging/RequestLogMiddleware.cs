using System.Diagnostics;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Observability.Logging;

/// <summary>
/// Puts the caller (<c>user_id</c>, <c>tenant_id</c>) in the log scope of everything the request logs, and writes one
/// completion line per request with its <c>execution_time</c> in ms: at Debug (an access log, category
/// <c>OpenClaw.Requests</c>; turn it on with <c>Logging:LogLevel:OpenClaw.Requests=Debug</c>), at Warning for 5xx answers.
/// </summary>
/// <remarks>Runs after authentication, so the caller is known; the request id comes from ASP.NET Core's own scope.</remarks>
internal sealed partial class RequestLogMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("OpenClaw.Requests");

    public async Task InvokeAsync(HttpContext context)
    {
        var caller = Caller.Find(context);
        using var scope = caller is null ? null : _logger.BeginScope(new Dictionary<string, object?>
        {
            ["user_id"] = caller.SubjectId,
            ["tenant_id"] = caller.TenantId,
        });
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
            var status = context.Response.StatusCode;
            if (status >= 500) LogServerError(context.Request.Method, context.Request.Path.Value ?? "", status, elapsed);
            else LogCompleted(context.Request.Method, context.Request.Path.Value ?? "", status, elapsed);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} answered {StatusCode} in {ExecutionTime} ms")]
    private partial void LogCompleted(string method, string path, int statusCode, double executionTime);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered {StatusCode} in {ExecutionTime} ms")]
    private partial void LogServerError(string method, string path, int statusCode, double executionTime);
}
