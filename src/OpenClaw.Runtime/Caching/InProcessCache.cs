using System.Collections.Concurrent;
using OpenClaw.Core.Caching;

namespace OpenClaw.Runtime.Caching;

/// <summary>
/// The default <see cref="ICache"/>: a dictionary in this process, bounded to <see cref="MaxEntries"/>, with lifetimes
/// measured by <see cref="TimeProvider"/>. With an <see cref="ICacheInvalidationBus"/> (several nodes on PostgreSQL)
/// a removal is published to every node and removals from other nodes are applied here.
/// </summary>
public sealed class InProcessCache : ICache, IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ICacheInvalidationBus? _bus;

    public InProcessCache(TimeProvider time, int maxEntries = 10_000, ICacheInvalidationBus? bus = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _time = time;
        MaxEntries = maxEntries;
        _bus = bus;
        if (_bus is not null) _bus.Invalidated += OnInvalidated;
    }

    /// <summary>Past this many entries, a write first drops the expired ones, then those closest to expiry.</summary>
    public int MaxEntries { get; }

    public int Count => _entries.Count;

    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!_entries.TryGetValue(key, out var entry)) return ValueTask.FromResult<string?>(null);
        if (entry.ExpiresAt > _time.GetUtcNow()) return ValueTask.FromResult<string?>(entry.Value);
        _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        return ValueTask.FromResult<string?>(null);
    }

    public ValueTask SetAsync(string key, string value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        if (_entries.Count >= MaxEntries && !_entries.ContainsKey(key)) Trim();
        _entries[key] = new Entry(value, _time.GetUtcNow() + timeToLive);
        return ValueTask.CompletedTask;
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        _entries.TryRemove(key, out _);
        if (_bus is not null) await _bus.PublishAsync(key, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_bus is not null) _bus.Invalidated -= OnInvalidated;
    }

    private void OnInvalidated(string key)
    {
        if (key == ICacheInvalidationBus.AllKeys) _entries.Clear();
        else _entries.TryRemove(key, out _);
    }

    /// <summary>Makes room for a tenth of the capacity: expired entries first, then the soonest to expire.</summary>
    private void Trim()
    {
        var now = _time.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now) _entries.TryRemove(key, out _);
        }
        var excess = _entries.Count - (MaxEntries - Math.Max(1, MaxEntries / 10));
        if (excess <= 0) return;
        foreach (var (key, _) in _entries.OrderBy(e => e.Value.ExpiresAt).Take(excess).ToList()) _entries.TryRemove(key, out _);
    }

    private sealed record Entry(string Value, DateTimeOffset ExpiresAt);
}
