using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>
/// Turns an <c>ock_</c> key into a caller: looks its hash up (cached for <see cref="AuthOptions.ApiKeyCacheDuration"/>, so
/// a busy key costs no query per request), refuses revoked and expired keys, and notes the use for <c>last_used_at</c>.
/// </summary>
internal sealed class ApiKeyAuthenticator(IIdentityStore store, SecurityLogWriter log, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, DateTimeOffset Until)> _cache = new();

    public async Task<(Caller? Caller, string? Error)> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        var hash = ApiKeyFormat.Hash(key);
        var now = time.GetUtcNow();
        ApiKeyRecord? record;
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            record = cached.Key;
        }
        else
        {
            record = await store.FindApiKeyAsync(hash, cancellationToken);
            if (_cache.Count > 10_000) _cache.Clear();
            _cache[hash] = (record, now + options.Value.ApiKeyCacheDuration);
        }
        if (record is null) return (null, "unknown API key");
        if (record.RevokedAt is not null) return (null, "the API key was revoked");
        if (record.ExpiresAt is { } expires && expires <= now) return (null, "the API key has expired");
        log.KeyUsed(record.Id, now);
        return (new Caller(record.TenantId, record.Id.ToString("D"), record.Name, CallerKind.ApiKey, record.Role,
            RolePermissions.Narrow(record.Role, record.TenantId, record.Scopes)), null);
    }

    /// <summary>Forgets cached lookups, so a key revoked on this node stops working at once.</summary>
    public void Forget() => _cache.Clear();
}
