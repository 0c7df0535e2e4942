using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Net.Http.Headers;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Observability;

namespace OpenClaw.Server.Security;

/// <summary>
/// Authenticates every request (JWT access token, client-credentials token or API key), authorises it against the
/// endpoint's <see cref="RequiredPermission"/> (and, on <c>/workflows/{id}</c> routes, the workflow's shares), and logs it.
/// </summary>
/// <remarks>
/// Anonymous callers of a protected endpoint get 401 with <c>WWW-Authenticate: Bearer</c>; callers without the permission
/// get a 403 problem and a <c>permission_denied</c> security event. Credentials sent to an anonymous endpoint are checked
/// but a bad one does not fail the request (webhooks and health checks must not depend on them).
/// </remarks>
internal sealed class SecurityMiddleware(
    RequestDelegate next, AccessTokens tokens, ApiKeyAuthenticator apiKeys, TenantLimits limits, SecurityLogWriter log, ActiveUserTracker activeUsers,
    TimeProvider time)
{
    public const string ApiKeyHeader = "X-API-Key";

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await AuthoriseAsync(context);
        }
        finally
        {
            var caller = Caller.Find(context);
            log.Access(new AccessLogRecord(Guid.CreateVersion7(), caller?.TenantId, context.Request.Method,
                Truncate(context.Request.Path.Value ?? "/", 2048), context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                caller?.SubjectId, caller?.Name, context.Connection.RemoteIpAddress?.ToString(), context.TraceIdentifier, time.GetUtcNow()));
        }
    }

    private async Task AuthoriseAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var anonymous = endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        var (caller, mustChangePassword, error) = await AuthenticateAsync(context);
        if (caller is not null)
        {
            Caller.Set(context, caller);
            if (caller.Kind == CallerKind.User && Guid.TryParse(caller.SubjectId, out var userId)) activeUsers.Touch(userId);
        }
        if (endpoint is null || anonymous)
        {
            await next(context);
            return;
        }

        var required = endpoint.Metadata.GetMetadata<RequiredPermission>();
        if (caller is null)
        {
            if (error is not null) RecordEvent(context, null, SecurityEventKinds.InvalidCredentials, null, $"Refused credentials: {error}");
            await ChallengeAsync(context, error);
            return;
        }
        if (await limits.TryAcquireAsync(caller.TenantId, context.RequestAborted) is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteProblemAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
                $"Tenant '{caller.TenantId}' is over its request rate; try again after Retry-After seconds.");
            return;
        }
        if (required is null && endpoint.Metadata.GetMetadata<AuthenticatedOnly>() is null)
        {
            // Every mapped endpoint declares something (the startup check); an undeclared one is routing's own, such as
            // the 405 answer for a known path with another method. Let it answer.
            await next(context);
            return;
        }
        if (mustChangePassword && endpoint.Metadata.GetMetadata<AllowedBeforePasswordChange>() is null)
        {
            await ForbidAsync(context, caller, "Change your password first (POST /auth/password); until then only that, /auth/me and /auth/logout answer.");
            return;
        }
        if (required is not null && !caller.Has(required.Permission))
        {
            var shared = await SharedGrantAsync(context, endpoint, caller);
            if (shared is null || !shared.Contains(required.Permission))
            {
                RecordEvent(context, caller, SecurityEventKinds.PermissionDenied, caller.Name,
                    $"{caller.Kind} '{caller.Name}' ({caller.Role}) lacks '{required.Permission}' for {context.Request.Method} {context.Request.Path}.");
                await ForbidAsync(context, caller, $"This needs the '{required.Permission}' permission, which your role ({caller.Role}) or key scopes do not grant.");
                return;
            }
            Caller.Set(context, caller with { Permissions = caller.Permissions.Union(shared).ToHashSet() });
        }
        await next(context);
    }

    private async Task<(Caller?, bool, string?)> AuthenticateAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        string? credential = null;
        var authorization = headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return (null, false, "only Bearer credentials are accepted");
            credential = authorization["Bearer ".Length..].Trim();
        }
        else if (headers.TryGetValue(ApiKeyHeader, out var key))
        {
            credential = key.ToString().Trim();
        }
        if (string.IsNullOrEmpty(credential)) return (null, false, null);

        if (credential.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal))
        {
            var (caller, error) = await apiKeys.AuthenticateAsync(credential, context.RequestAborted);
            return (caller, false, error);
        }
        return await tokens.ValidateAsync(credential, context.RequestAborted);
    }

    private static async Task<IReadOnlySet<string>?> SharedGrantAsync(HttpContext context, Endpoint endpoint, Caller caller)
    {
        if (caller.Kind != CallerKind.User || WorkflowShareGrants.WorkflowId(context, endpoint) is not { } workflowId) return null;
        var shares = context.RequestServices.GetRequiredService<IWorkflowShareStore>();
        var found = await shares.FindSharesAsync(caller.TenantId, workflowId, caller.SubjectId, caller.Role, context.RequestAborted);
        return found.SelectMany(s => WorkflowShareGrants.For(s.Permission)).ToHashSet();
    }

    private void RecordEvent(HttpContext context, Caller? caller, string kind, string? actor, string detail) =>
        log.Event(new SecurityEventRecord(Guid.CreateVersion7(), caller?.TenantId, kind, actor, context.Connection.RemoteIpAddress?.ToString(),
            detail, null, time.GetUtcNow()));

    private static Task ChallengeAsync(HttpContext context, string? error)
    {
        context.Response.Headers[HeaderNames.WWWAuthenticate] = error is null
            ? "Bearer realm=\"openclaw\""
            : $"Bearer realm=\"openclaw\", error=\"invalid_token\", error_description=\"{error.Replace("\"", "'", StringComparison.Ordinal)}\"";
        return WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Authentication required",
            error is null
                ? "Send an access token (POST /auth/login) or an API key in 'Authorization: Bearer ...' (or 'X-API-Key')."
                : $"The credentials were refused: {error}.");
    }

    private static Task ForbidAsync(HttpContext context, Caller caller, string detail) =>
        WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Forbidden", detail);

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Type = $"https://openclaw.dev/problems/{status}" },
        }).AsTask();
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
