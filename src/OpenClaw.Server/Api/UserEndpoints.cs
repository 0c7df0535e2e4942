using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary><c>/users</c>: the tenant's users (administrators only); the last active administrator cannot be removed or demoted.</summary>
internal static partial class UserEndpoints
{
    private static readonly string[] CreateFields = ["username", "password", "role", "email", "must_change_password"];
    private static readonly string[] UpdateFields = ["password", "role", "email", "is_active", "must_change_password"];

    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequirePermission(Permissions.UsersManage);
        users.MapPost("/", CreateAsync);
        users.MapGet("/", ListAsync);
        users.MapGet("/{id}", GetAsync);
        users.MapPatch("/{id}", UpdateAsync);
        users.MapDelete("/{id}", DeleteAsync);
        users.MapDelete("/{id}/sessions", EndSessionsAsync);
        return api;
    }

    public sealed record UserResponse(
        Guid Id, string TenantId, string Username, string? Email, string Role, bool IsActive, bool MustChangePassword, DateTimeOffset? LockedUntil,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static UserResponse From(UserRecord u) =>
            new(u.Id, u.TenantId, u.Username, u.Email, u.Role, u.IsActive, u.MustChangePassword, u.LockedUntil, u.CreatedAt, u.UpdatedAt);
    }

    public sealed record UserList(IReadOnlyList<UserResponse> Items);

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, Caller caller, IIdentityStore store, PasswordHasher<UserRecord> hasher, IOptions<AuthOptions> options, TimeProvider time,
        AuditContext audit, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, CreateFields, ct);
        if (problem is not null) return problem;
        var username = body!.String("username", required: true, maxLength: 64);
        if (username is not null && !UsernamePattern().IsMatch(username))
            body.Error("username", "Use letters, digits, '.', '_' and '-' only (1 to 64), starting with a letter or digit.");
        var password = body.String("password", required: true, maxLength: 1024);
        if (password is not null) PasswordRules.Check(body, "password", password, options.Value);
        var role = Role(body);
        var email = Email(body);
        var mustChange = body.Bool("must_change_password") ?? true;
        if (body.Problem is { } invalid) return invalid;

        var now = time.GetUtcNow();
        var user = new UserRecord(Guid.CreateVersion7(), caller.TenantId, username!, email, "", role ?? Roles.Viewer, true, mustChange, 0, null, now, now);
        user = user with { PasswordHash = hasher.HashPassword(user, password!) };
        try
        {
            var created = await store.CreateUserAsync(user, ct);
            audit.Describe("user", created.Id.ToString("D"), "create", after: UserResponse.From(created));
            return TypedResults.Created($"{ApiRoutes.Prefix(request)}/users/{created.Id}", UserResponse.From(created));
        }
        catch (DuplicateKeyException)
        {
            return Problems.Conflict($"A user named '{username}' (or with that email) already exists in this tenant.");
        }
    }

    private static async Task<Ok<UserList>> ListAsync(Caller caller, IIdentityStore store, CancellationToken ct) =>
        TypedResults.Ok(new UserList((await store.ListUsersAsync(caller.TenantId, ct)).Select(UserResponse.From).ToList()));

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(string id, Caller caller, IIdentityStore store, CancellationToken ct) =>
        await FindAsync(id, caller, store, ct) is { } user ? TypedResults.Ok(UserResponse.From(user)) : NotFound(id);

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, Caller caller, IIdentityStore store, PasswordHasher<UserRecord> hasher, IOptions<AuthOptions> options,
        UserSessions sessions, SessionStateCache states, TimeProvider time, AuditContext audit, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, UpdateFields, ct);
        if (problem is not null) return problem;
        var password = body!.String("password", required: false, maxLength: 1024);
        if (password is not null) PasswordRules.Check(body, "password", password, options.Value);
        var role = Role(body);
        var email = Email(body);
        var active = body.Bool("is_active");
        var mustChange = body.Bool("must_change_password");
        if (body.Problem is { } invalid) return invalid;

        var user = await FindAsync(id, caller, store, ct);
        if (user is null) return NotFound(id);
        var now = time.GetUtcNow();
        var changed = user with
        {
            Role = role ?? user.Role,
            Email = body.Has("email") ? email : user.Email,
            IsActive = active ?? user.IsActive,
            MustChangePassword = mustChange ?? (password is not null || user.MustChangePassword),
            UpdatedAt = now,
        };
        if (password is not null) changed = changed with { PasswordHash = hasher.HashPassword(user, password), FailedLogins = 0, LockedUntil = null };
        if (IsActiveAdmin(user) && !IsActiveAdmin(changed) && await ActiveAdminsAsync(store, caller.TenantId, ct) <= 1)
            return Problems.Conflict("This is the tenant's last active administrator; make another user an administrator first.");
        try
        {
            var saved = await store.UpdateUserAsync(changed, ct);
            if (saved is null) return NotFound(id);
            // A new password, a new role or deactivation ends the user's sessions (refresh and access tokens, on every node).
            if (password is not null || saved.Role != user.Role || !saved.IsActive) await sessions.EndAllAsync(caller.TenantId, user.Id, ct);
            else await states.ForgetUserAsync(user.Id);
            audit.Describe("user", id, "update", UserResponse.From(user), UserResponse.From(saved));
            return TypedResults.Ok(UserResponse.From(saved));
        }
        catch (DuplicateKeyException)
        {
            return Problems.Conflict("Another user of this tenant has that email.");
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, Caller caller, IIdentityStore store, SessionStateCache states, AuditContext audit, CancellationToken ct)
    {
        var user = await FindAsync(id, caller, store, ct);
        if (user is null) return NotFound(id);
        if (IsActiveAdmin(user) && await ActiveAdminsAsync(store, caller.TenantId, ct) <= 1)
            return Problems.Conflict("This is the tenant's last active administrator; make another user an administrator first.");
        if (!await store.DeleteUserAsync(caller.TenantId, user.Id, ct)) return NotFound(id);
        await states.ForgetUserAsync(user.Id);
        audit.Describe("user", id, "delete", before: UserResponse.From(user));
        return TypedResults.NoContent();
    }

    /// <summary><c>DELETE /users/{id}/sessions</c>: ends every session of the user (refresh and access tokens) at once.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> EndSessionsAsync(
        string id, Caller caller, IIdentityStore store, UserSessions sessions, AuditContext audit, CancellationToken ct)
    {
        var user = await FindAsync(id, caller, store, ct);
        if (user is null) return NotFound(id);
        await sessions.EndAllAsync(caller.TenantId, user.Id, ct);
        audit.Describe("user", id, "end_sessions");
        return TypedResults.NoContent();
    }

    private static async Task<UserRecord?> FindAsync(string id, Caller caller, IIdentityStore store, CancellationToken ct) =>
        Guid.TryParse(id, out var guid) ? await store.GetUserAsync(caller.TenantId, guid, ct) : null;

    private static bool IsActiveAdmin(UserRecord user) => user.IsActive && user.Role == Roles.Admin;

    private static async Task<int> ActiveAdminsAsync(IIdentityStore store, string tenantId, CancellationToken ct) =>
        (await store.ListUsersAsync(tenantId, ct)).Count(IsActiveAdmin);

    private static string? Role(JsonRequestBody body)
    {
        var role = body.String("role", required: false, maxLength: 16);
        if (role is not null && !Roles.All.Contains(role)) body.Error("role", $"Must be one of {string.Join(", ", Roles.All)}.");
        return role;
    }

    private static string? Email(JsonRequestBody body)
    {
        var email = body.String("email", required: false, maxLength: 254);
        if (email is not null && !EmailPattern().IsMatch(email)) body.Error("email", "Must be an email address such as ada@example.com.");
        return email;
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"User '{id}' does not exist.");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    internal static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
