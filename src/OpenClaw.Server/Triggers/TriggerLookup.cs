using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Triggers;

/// <summary>
/// Finds the trigger of a webhook path, caching hits and misses for a few seconds so a burst of calls (or of guesses)
/// does not become a burst of queries. Changes through the API on this process invalidate at once; other processes
/// see them within <see cref="WebhookOptions.LookupCacheDuration"/>.
/// </summary>
internal sealed class TriggerLookup(ITriggerStore store, IOptions<WebhookOptions> options, TimeProvider time)
{
    private const int MaxEntries = 50_000;
    private readonly ConcurrentDictionary<string, (TriggerRecord? Trigger, long Expires)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<TriggerRecord?> FindAsync(string pathHash, CancellationToken ct)
    {
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(pathHash, out var cached) && cached.Expires > now) return cached.Trigger;
        var trigger = await store.FindByPathHashAsync(pathHash, ct).ConfigureAwait(false);
        if (_cache.Count >= MaxEntries) _cache.Clear();
        var duration = options.Value.LookupCacheDuration;
        if (duration > TimeSpan.Zero) _cache[pathHash] = (trigger, now + (long)(duration.TotalSeconds * time.TimestampFrequency));
        return trigger;
    }

    /// <summary>Forgets a path (after its trigger changed, rotated or was deleted).</summary>
    public void Invalidate(string pathHash) => _cache.TryRemove(pathHash, out _);
}
