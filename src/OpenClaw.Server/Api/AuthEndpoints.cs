using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary><c>/auth</c>: login, refresh-token rotation, logout, who am I, change my password.</summary>
internal static class AuthEndpoints
{
    private static readonly string[] LoginFields = ["username", "password", "tenant"];
    private static readonly string[] RefreshFields = ["refresh_token"];
    private static readonly string[] PasswordFields = ["current_password", "new_password"];

    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Authentication");
        auth.MapPost("/login", LoginAsync).AllowAnonymous();
        auth.MapPost("/refresh", RefreshAsync).AllowAnonymous();
        // Anonymous: holding the refresh token is what entitles one to end its session.
        auth.MapPost("/logout", LogoutAsync).AllowAnonymous();
        auth.MapGet("/me", Me).RequireAuthenticated().WithMetadata(AllowedBeforePasswordChange.Instance);
        auth.MapPost("/password", ChangePasswordAsync).RequireAuthenticated().WithMetadata(AllowedBeforePasswordChange.Instance);
        auth.MapPost("/logout-all", LogoutEverywhereAsync).RequireAuthenticated().WithMetadata(AllowedBeforePasswordChange.Instance);
        return api;
    }

    /// <summary><c>GET /auth/me</c>.</summary>
    public sealed record MeResponse(string Id, string Username, string TenantId, string Role, string Kind, IReadOnlyList<string> Permissions);

    private static async Task<IResult> LoginAsync(HttpRequest request, UserSessions sessions, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, LoginFields, ct);
        if (problem is not null) return problem;
        var username = body!.String("username", required: true, maxLength: 128);
        var password = body.String("password", required: true, maxLength: 1024);
        var tenant = body.String("tenant", required: false, maxLength: 64) ?? RolePermissions.DefaultTenant;
        if (body.Problem is { } invalid) return invalid;

        var result = await sessions.LoginAsync(tenant, username!, password!, Address(request), ct);
        return Answer(request.HttpContext, result);
    }

    private static async Task<IResult> RefreshAsync(HttpRequest request, UserSessions sessions, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, RefreshFields, ct);
        if (problem is not null) return problem;
        var token = body!.String("refresh_token", required: true, maxLength: 512);
        if (body.Problem is { } invalid) return invalid;
        return Answer(request.HttpContext, await sessions.RefreshAsync(token!, Address(request), ct));
    }

    private static async Task<IResult> LogoutAsync(HttpRequest request, UserSessions sessions, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, RefreshFields, ct);
        if (problem is not null) return problem;
        var token = body!.String("refresh_token", required: true, maxLength: 512);
        if (body.Problem is { } invalid) return invalid;
        // 204 whether or not the token was known: the caller learns nothing about other sessions.
        await sessions.LogoutAsync(token!, ct);
        return TypedResults.NoContent();
    }

    private static Ok<MeResponse> Me(Caller caller) =>
        TypedResults.Ok(new MeResponse(caller.SubjectId, caller.Name, caller.TenantId, caller.Role,
            caller.Kind switch { CallerKind.ApiKey => "api_key", CallerKind.Client => "client", _ => "user" },
            Permissions.All.Where(caller.Has).ToList()));

    private static async Task<IResult> ChangePasswordAsync(
        HttpRequest request, Caller caller, IIdentityStore store, PasswordHasher<UserRecord> hasher, UserSessions sessions, IOptions<AuthOptions> options,
        TimeProvider time, AuditContext audit, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, PasswordFields, ct);
        if (problem is not null) return problem;
        var current = body!.String("current_password", required: true, maxLength: 1024);
        var next = body.String("new_password", required: true, maxLength: 1024);
        if (next is not null) PasswordRules.Check(body, "new_password", next, options.Value);
        if (next is not null && next == current) body.Error("new_password", "Must differ from the current password.");
        if (body.Problem is { } invalid) return invalid;
        if (caller.Kind != CallerKind.User || !Guid.TryParse(caller.SubjectId, out var userId))
            return Problems.Forbidden("Only users have passwords; API keys and clients are rotated by creating new ones.");

        var user = await store.GetUserAsync(caller.TenantId, userId, ct);
        if (user is null) return Problems.NotFound("Your user no longer exists.");
        if (hasher.VerifyHashedPassword(user, user.PasswordHash, current!) == PasswordVerificationResult.Failed)
            return Problems.Invalid("current_password", "The current password is wrong.");
        var now = time.GetUtcNow();
        var changed = await store.UpdateUserAsync(user with
        {
            PasswordHash = hasher.HashPassword(user, next!), MustChangePassword = false, FailedLogins = 0, LockedUntil = null, UpdatedAt = now,
        }, ct);
        // Every other session of the user ends, access tokens included; this one continues with fresh tokens.
        await sessions.EndAllAsync(caller.TenantId, userId, ct);
        audit.Describe("user", user.Id.ToString("D"), "change_password");
        return TypedResults.Ok(await sessions.IssueAsync(changed!, Guid.CreateVersion7(), ct));
    }

    /// <summary><c>POST /auth/logout-all</c>: ends every session of the calling user, this one included (204).</summary>
    private static async Task<IResult> LogoutEverywhereAsync(Caller caller, UserSessions sessions, AuditContext audit, CancellationToken ct)
    {
        if (caller.Kind != CallerKind.User || !Guid.TryParse(caller.SubjectId, out var userId))
            return Problems.Forbidden("Only users have sessions; revoke an API key or client instead.");
        await sessions.EndAllAsync(caller.TenantId, userId, ct);
        audit.Describe("user", caller.SubjectId, "logout_all");
        return TypedResults.NoContent();
    }

    private static IResult Answer(HttpContext context, SessionResult result)
    {
        if (result.Tokens is { } tokens)
        {
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(tokens);
        }
        if (result.RetryAfter is { } wait)
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return result.Failure switch
        {
            SessionFailure.Locked => TypedResults.Problem("Too many failed logins; this user is locked. Try again after Retry-After seconds.",
                statusCode: StatusCodes.Status423Locked, title: "Locked"),
            SessionFailure.Throttled => TypedResults.Problem("Too many failed logins from this address. Try again after Retry-After seconds.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests"),
            SessionFailure.Reused => TypedResults.Problem("This refresh token was already used; the session is ended. Log in again.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Refresh token reused"),
            _ => TypedResults.Problem("The user name, password or token is not valid.", statusCode: StatusCodes.Status401Unauthorized,
                title: "Invalid credentials"),
        };
    }

    internal static string Address(HttpRequest request) => request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
