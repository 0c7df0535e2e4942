using Microsoft.Extensions.Options;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>
/// What an access token is checked against on every request: whether its user (or client) still exists and is active,
/// its current role, and which of its sessions (refresh-token families) were ended recently.
/// </summary>
/// <param name="RevokedSessions">Families revoked within an access token's lifetime (older ones have no live token).</param>
internal sealed record SessionState(string TenantId, bool Active, string Role, IReadOnlyList<Guid> RevokedSessions)
{
    public static readonly SessionState Gone = new("", false, "", []);
}

/// <summary>
/// Makes revocation take effect at once, on every node: the state a token is checked against lives under the
/// specification's <c>session:{user_id}</c> key (24 h) in the shared <see cref="ICache"/>, so a request costs a cache
/// read, not a database read, and every change that ends sessions (logout, refresh-token reuse, password or role change,
/// deactivation, deletion, "log out everywhere", a revoked client) removes the key: from Redis, which every node reads,
/// or from each node's in-process cache through PostgreSQL NOTIFY.
/// </summary>
/// <remarks>
/// A node that read the old state from the database just before a change committed could store it just after the
/// removal; the key is therefore removed a second time <see cref="SecondRemovalAfter"/> later, which bounds that race.
/// OAuth clients use <c>session:client:{client_id}</c>.
/// </remarks>
internal sealed partial class SessionStateCache(
    ICache cache, IIdentityStore store, IOptions<AuthOptions> options, TimeProvider time, ILogger<SessionStateCache> logger)
{
    /// <summary>When the key is removed again after a change (see remarks).</summary>
    public static readonly TimeSpan SecondRemovalAfter = TimeSpan.FromSeconds(2);

    private readonly ParsedCacheValues<SessionState> _parsed = new();

    /// <summary>Why a validly signed token must still be refused, or null when its session is current.</summary>
    public async ValueTask<string?> RefuseAsync(Caller caller, Guid? sessionId, CancellationToken ct)
    {
        var state = await GetAsync(caller, ct);
        if (!state.Active || state.TenantId != caller.TenantId)
            return caller.Kind == CallerKind.Client ? "the client was revoked" : "the user no longer exists or is deactivated";
        if (state.Role != caller.Role) return "the role changed since the token was issued; log in again";
        if (caller.Kind != CallerKind.User) return null;
        if (sessionId is not { } session) return "the token names no session; log in again";
        return state.RevokedSessions.Contains(session) ? "the session was ended (logout, password change or revoked sessions)" : null;
    }

    /// <summary>After a change to a user or their sessions: every node reads the user's state afresh.</summary>
    public Task ForgetUserAsync(Guid userId) => ForgetAsync(UserKey(userId.ToString("D")));

    /// <summary>After an OAuth client was revoked.</summary>
    public Task ForgetClientAsync(string clientId) => ForgetAsync(ClientKey(clientId));

    private static string UserKey(string userId) => CacheKeys.Session(userId);

    private static string ClientKey(string clientId) => CacheKeys.Session("client:" + clientId);

    private async ValueTask<SessionState> GetAsync(Caller caller, CancellationToken ct)
    {
        var key = caller.Kind == CallerKind.Client ? ClientKey(caller.SubjectId) : UserKey(caller.SubjectId);
        if (await cache.GetAsync(key, ct) is { } text && _parsed.Parse(text) is { } cached) return cached;
        var state = await LoadAsync(caller, ct);
        await cache.SetAsync(key, ParsedCacheValues<SessionState>.Serialize(state), CacheKeys.SessionTtl, ct);
        return state;
    }

    private async Task<SessionState> LoadAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Kind == CallerKind.Client)
        {
            var client = await store.FindOAuthClientAsync(caller.SubjectId, ct);
            return client is null ? SessionState.Gone : new SessionState(client.TenantId, client.RevokedAt is null, client.Role, []);
        }
        if (!Guid.TryParse(caller.SubjectId, out var userId)) return SessionState.Gone;
        var user = await store.GetUserAsync(caller.TenantId, userId, ct);
        if (user is null) return SessionState.Gone;
        // A token issued before a revocation lives at most its lifetime (plus the validation's clock skew) after it.
        var since = time.GetUtcNow() - options.Value.AccessTokenLifetime - AccessTokens.ClockSkew;
        var revoked = await store.ListRevokedRefreshFamiliesAsync(user.TenantId, user.Id, since, ct);
        return new SessionState(user.TenantId, user.IsActive, user.Role, revoked);
    }

    private async Task ForgetAsync(string key)
    {
        await RemoveAsync(key);
        _ = RemoveAgainAsync(key);
    }

    private async Task RemoveAgainAsync(string key)
    {
        await Task.Delay(SecondRemovalAfter, time);
        await RemoveAsync(key);
    }

    private async Task RemoveAsync(string key)
    {
        try
        {
            // Not the request's token: the change has committed, its invalidation must not be abandoned half-way.
            await cache.RemoveAsync(key, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogRemoveFailed(ex, key);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not invalidate {Key}; tokens of ended sessions may be accepted until it expires")]
    private partial void LogRemoveFailed(Exception exception, string key);
}
