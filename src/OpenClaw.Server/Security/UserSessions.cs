using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>The answer to a login, refresh or client-credentials request (RFC 6749 section 5.1).</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string? RefreshToken = null, string? Scope = null);

/// <summary>Why a login or refresh was refused.</summary>
public enum SessionFailure
{
    /// <summary>Unknown user, wrong password, inactive user, or an unknown, expired or revoked refresh token.</summary>
    InvalidCredentials,

    /// <summary>The user is locked after too many failures (423).</summary>
    Locked,

    /// <summary>The client address made too many failed attempts (429).</summary>
    Throttled,

    /// <summary>A refresh token was presented a second time; its family was revoked.</summary>
    Reused,
}

/// <summary>The outcome of a login or refresh: tokens, or a failure with how long to wait.</summary>
public sealed record SessionResult(TokenResponse? Tokens, SessionFailure? Failure = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Login (password check, per-user lockout, per-address throttle), refresh-token rotation with reuse detection, and
/// logout. Every failure writes a security event.
/// </summary>
internal sealed class UserSessions(
    IIdentityStore store, AccessTokens tokens, SessionStateCache sessions, PasswordHasher<UserRecord> hasher, LoginThrottle throttle, SecurityLogWriter log,
    IOptions<AuthOptions> options, TimeProvider time)
{
    // Verified against when the user does not exist, so an unknown name costs the same time as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<UserRecord>().HashPassword(null!, "not-a-password"));

    public async Task<SessionResult> LoginAsync(string tenantId, string username, string password, string address, CancellationToken ct)
    {
        if (throttle.RetryAfter(address) is { } wait)
        {
            Event(tenantId, SecurityEventKinds.Lockout, username, address, $"Login refused: address {address} made too many failed attempts.");
            return new SessionResult(null, SessionFailure.Throttled, wait);
        }
        var now = time.GetUtcNow();
        var user = await store.FindUserAsync(tenantId, username, ct);
        if (user is null)
        {
            hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            return Fail(tenantId, username, address, "unknown user");
        }
        if (user.LockedUntil is { } until && until > now)
        {
            Event(tenantId, SecurityEventKinds.Lockout, username, address, $"Login refused: user '{user.Username}' is locked until {until:O}.");
            return new SessionResult(null, SessionFailure.Locked, until - now);
        }
        var verified = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verified == PasswordVerificationResult.Failed || !user.IsActive)
        {
            if (verified == PasswordVerificationResult.Failed)
            {
                var counted = await store.RecordFailedLoginAsync(tenantId, user.Id, options.Value.MaxFailedLogins, now + options.Value.LockoutDuration, ct);
                if (counted?.LockedUntil is { } locked && locked > now)
                {
                    throttle.Failed(address);
                    Event(tenantId, SecurityEventKinds.Lockout, username, address,
                        $"User '{user.Username}' locked until {locked:O} after {counted.FailedLogins} failed logins.");
                    return new SessionResult(null, SessionFailure.Locked, locked - now);
                }
            }
            return Fail(tenantId, username, address, verified == PasswordVerificationResult.Failed ? "wrong password" : "inactive user");
        }

        throttle.Succeeded(address);
        await store.ResetFailedLoginsAsync(tenantId, user.Id, ct);
        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
            await store.UpdateUserAsync(user with { PasswordHash = hasher.HashPassword(user, password), FailedLogins = 0, LockedUntil = null, UpdatedAt = now }, ct);
        return new SessionResult(await IssueAsync(user, Guid.CreateVersion7(), ct));
    }

    /// <summary>Rotates a refresh token: the presented one is used up and a new one of the same family returned.</summary>
    public async Task<SessionResult> RefreshAsync(string refreshToken, string address, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var stored = await store.FindRefreshTokenAsync(ApiKeyFormat.Hash(refreshToken), ct);
        if (stored is null || stored.RevokedAt is not null || stored.ExpiresAt <= now)
        {
            Event(stored?.TenantId, SecurityEventKinds.InvalidCredentials, stored?.UserId.ToString("D"), address,
                stored is null ? "Unknown refresh token presented." : "Revoked or expired refresh token presented.");
            return new SessionResult(null, SessionFailure.InvalidCredentials);
        }
        if (!await store.MarkRefreshTokenUsedAsync(stored.Id, now, ct))
        {
            // Used before: whoever holds the family's tokens may have stolen one. End the whole session.
            var revoked = await store.RevokeRefreshTokenFamilyAsync(stored.FamilyId, now, ct);
            await sessions.ForgetUserAsync(stored.UserId);
            Event(stored.TenantId, SecurityEventKinds.RefreshTokenReuse, stored.UserId.ToString("D"), address,
                $"A used refresh token was presented again; revoked {revoked} token(s) of its session.");
            return new SessionResult(null, SessionFailure.Reused);
        }
        var user = await store.GetUserAsync(stored.TenantId, stored.UserId, ct);
        if (user is null || !user.IsActive) return new SessionResult(null, SessionFailure.InvalidCredentials);
        return new SessionResult(await IssueAsync(user, stored.FamilyId, ct));
    }

    /// <summary>Ends the session a refresh token belongs to; false when the token is unknown.</summary>
    public async Task<bool> LogoutAsync(string refreshToken, CancellationToken ct)
    {
        var stored = await store.FindRefreshTokenAsync(ApiKeyFormat.Hash(refreshToken), ct);
        if (stored is null) return false;
        await store.RevokeRefreshTokenFamilyAsync(stored.FamilyId, time.GetUtcNow(), ct);
        await sessions.ForgetUserAsync(stored.UserId);
        return true;
    }

    /// <summary>
    /// Ends every session of a user (their refresh tokens and, on every node, the access tokens issued with them): after
    /// a password change, a role change, deactivation, or "log out everywhere". Returns how many tokens were revoked.
    /// </summary>
    public async Task<int> EndAllAsync(string tenantId, Guid userId, CancellationToken ct)
    {
        var revoked = await store.RevokeUserRefreshTokensAsync(tenantId, userId, time.GetUtcNow(), ct);
        await sessions.ForgetUserAsync(userId);
        return revoked;
    }

    /// <summary>An access token and a new refresh token of <paramref name="familyId"/> for <paramref name="user"/>.</summary>
    public async Task<TokenResponse> IssueAsync(UserRecord user, Guid familyId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var refresh = ApiKeyFormat.NewSecret(ApiKeyFormat.RefreshPrefix);
        await store.CreateRefreshTokenAsync(new RefreshTokenRecord(Guid.CreateVersion7(), user.TenantId, user.Id, familyId, ApiKeyFormat.Hash(refresh),
            now + options.Value.RefreshTokenLifetime, now, null, null), ct);
        var access = tokens.ForUser(user.TenantId, user.Id, user.Username, user.Role, user.MustChangePassword, familyId);
        return new TokenResponse(access.AccessToken, "Bearer", access.ExpiresIn, refresh);
    }

    private SessionResult Fail(string tenantId, string username, string address, string reason)
    {
        throttle.Failed(address);
        Event(tenantId, SecurityEventKinds.LoginFailed, username, address, $"Failed login for '{username}': {reason}.");
        return new SessionResult(null, SessionFailure.InvalidCredentials);
    }

    private void Event(string? tenantId, string kind, string? actor, string address, string detail) =>
        log.Event(new SecurityEventRecord(Guid.CreateVersion7(), tenantId, kind, actor, address, detail, null, time.GetUtcNow()));
}
