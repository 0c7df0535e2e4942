using Microsoft.Extensions.Options;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>
/// Turns an <c>ock_</c> key into a caller: looks its hash up (kept in the shared <see cref="ICache"/> under
/// <see cref="CacheKeys.ApiKey"/> for <see cref="AuthOptions.ApiKeyCacheDuration"/>, so a busy key costs no query per
/// request), refuses revoked and expired keys, and notes the use for <c>last_used_at</c>.
/// </summary>
/// <remarks>
/// A revocation removes the cached entry on every node (<see cref="ForgetAsync"/>: Redis is shared; in-process caches
/// hear it through PostgreSQL NOTIFY), so the key stops at once everywhere. An unknown key is remembered for at most
/// <see cref="UnknownKeyCacheDuration"/>, so guessing does not fill the cache for long.
/// </remarks>
internal sealed partial class ApiKeyAuthenticator(
    IIdentityStore store, ICache cache, SecurityLogWriter log, IOptions<AuthOptions> options, TimeProvider time, ILogger<ApiKeyAuthenticator> logger)
{
    public static readonly TimeSpan UnknownKeyCacheDuration = TimeSpan.FromSeconds(10);

    private const string Unknown = "null";
    private readonly ParsedCacheValues<ApiKeyRecord> _parsed = new();

    public async Task<(Caller? Caller, string? Error)> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        var hash = ApiKeyFormat.Hash(key);
        var now = time.GetUtcNow();
        var record = await FindAsync(hash, cancellationToken);
        if (record is null) return (null, "unknown API key");
        if (record.RevokedAt is not null) return (null, "the API key was revoked");
        if (record.ExpiresAt is { } expires && expires <= now) return (null, "the API key has expired");
        log.KeyUsed(record.Id, now);
        return (new Caller(record.TenantId, record.Id.ToString("D"), record.Name, CallerKind.ApiKey, record.Role,
            RolePermissions.Narrow(record.Role, record.TenantId, record.Scopes)), null);
    }

    /// <summary>After a key was revoked or changed: every node looks it up afresh.</summary>
    public async Task ForgetAsync(string keyHash)
    {
        try
        {
            // Not the request's token: the revocation has committed; its invalidation must not be abandoned half-way.
            await cache.RemoveAsync(CacheKeys.ApiKey(keyHash), CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogRemoveFailed(ex, keyHash[..8]);
        }
    }

    private async Task<ApiKeyRecord?> FindAsync(string hash, CancellationToken ct)
    {
        var duration = options.Value.ApiKeyCacheDuration;
        if (duration <= TimeSpan.Zero) return await store.FindApiKeyAsync(hash, ct);
        var cacheKey = CacheKeys.ApiKey(hash);
        if (await cache.GetAsync(cacheKey, ct) is { } text)
        {
            if (text == Unknown) return null;
            if (_parsed.Parse(text) is { } cached) return cached;
        }
        var record = await store.FindApiKeyAsync(hash, ct);
        await cache.SetAsync(cacheKey, record is null ? Unknown : ParsedCacheValues<ApiKeyRecord>.Serialize(record),
            record is null && duration > UnknownKeyCacheDuration ? UnknownKeyCacheDuration : duration, ct);
        return record;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not invalidate the cached API key {KeyHashStart}...; a revoked key may work until its entry expires")]
    private partial void LogRemoveFailed(Exception exception, string keyHashStart);
}
