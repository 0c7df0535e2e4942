using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>
/// Writes an audit record for every successful change (POST, PUT, PATCH, DELETE answered 2xx) by an authenticated
/// caller: who, tenant, what (from <see cref="AuditContext"/>, which the endpoint fills; else the route), before and
/// after with secrets redacted, address, user agent, request id.
/// </summary>
/// <remarks>
/// Written when the endpoint has produced its answer, before the request completes; a failed audit write is logged
/// and does not turn a committed change into an error. Anonymous changes (webhooks) are audited when the endpoint
/// describes them.
/// </remarks>
internal sealed class AuditMiddleware(RequestDelegate next, ISecurityLogStore store, TimeProvider time, ILogger<AuditMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, AuditContext audit)
    {
        await next(context);
        if (!HttpMethods.IsPost(context.Request.Method) && !HttpMethods.IsPut(context.Request.Method) &&
            !HttpMethods.IsPatch(context.Request.Method) && !HttpMethods.IsDelete(context.Request.Method)) return;
        if (context.Response.StatusCode is < 200 or > 299) return;
        var caller = Caller.Find(context);
        if (caller is null && audit.ResourceType is null) return;
        if (context.GetEndpoint() is not RouteEndpoint endpoint) return;

        var route = endpoint.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var record = new AuditRecord(
            Guid.CreateVersion7(),
            caller?.TenantId ?? RolePermissions.DefaultTenant,
            caller?.SubjectId ?? "anonymous",
            caller?.Name ?? "anonymous",
            caller?.Kind switch { CallerKind.ApiKey => "api_key", CallerKind.Client => "client", CallerKind.User => "user", _ => "anonymous" },
            audit.Action ?? $"{context.Request.Method.ToLowerInvariant()} {route}",
            audit.ResourceType ?? ResourceFromRoute(route),
            audit.ResourceId ?? context.Request.RouteValues["id"]?.ToString(),
            AuditRedaction.ToJson(audit.Before),
            AuditRedaction.ToJson(audit.After),
            context.Connection.RemoteIpAddress?.ToString(),
            Clip(context.Request.Headers.UserAgent.ToString()),
            context.TraceIdentifier,
            time.GetUtcNow());
        try
        {
            await store.AppendAuditAsync(record, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Writing the audit record of {Method} {Path} by {Actor} failed", context.Request.Method, context.Request.Path, record.ActorName);
        }
    }

    /// <summary><c>/api/v2/workflows/{id}/shares</c> becomes <c>workflows</c>... the first segment after the version.</summary>
    private static string ResourceFromRoute(string route)
    {
        var parts = route.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var start = parts.Length > 2 && parts[0] == "api" ? 2 : 0;
        return parts.Length > start ? parts[start] : "unknown";
    }

    private static string? Clip(string value) => value.Length == 0 ? null : value.Length <= 512 ? value : value[..512];
}
