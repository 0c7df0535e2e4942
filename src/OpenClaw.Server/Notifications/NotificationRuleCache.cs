using System.Text.Json;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Notifications;

/// <summary>
/// The enabled notification rules of every tenant: configuration that every evaluation pass (so every finished execution)
/// reads. Cached under the specification's config key <c>config:notification-rules</c> for <see cref="CacheKeys.ConfigTtl"/>
/// and dropped on every rule change made through the API, on every node (the cache's own invalidation: NOTIFY between
/// in-process caches, or the shared Redis entry), so a cache hit costs no storage read.
/// </summary>
/// <remarks>
/// A read racing a change may put back the copy it read just before the change; as for the workflow cache, the lifetime
/// bounds how long such a copy can live.
/// </remarks>
internal sealed class NotificationRuleCache(INotificationStore store, ICache cache)
{
    /// <summary>The configuration namespace: the cache key is <c>config:notification-rules</c>.</summary>
    public const string Namespace = "notification-rules";

    private static readonly string Key = CacheKeys.Config(Namespace);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The enabled rules, from the cache when it has them.</summary>
    public async Task<IReadOnlyList<NotificationRuleRecord>> GetEnabledAsync(CancellationToken ct)
    {
        if (await cache.GetAsync(Key, ct).ConfigureAwait(false) is { } text)
        {
            try
            {
                if (JsonSerializer.Deserialize<List<NotificationRuleRecord>>(text, Json) is { } cached) return cached;
            }
            catch (JsonException)
            {
                // Written by another version: read the rules afresh below, which overwrites it.
            }
        }
        var rules = await store.ListEnabledRulesAsync(ct).ConfigureAwait(false);
        await cache.SetAsync(Key, JsonSerializer.Serialize(rules, Json), CacheKeys.ConfigTtl, ct).ConfigureAwait(false);
        return rules;
    }

    /// <summary>Drops the cached rules here and on every other node; call after every rule change.</summary>
    public ValueTask InvalidateAsync(CancellationToken ct) => cache.RemoveAsync(Key, ct);
}
