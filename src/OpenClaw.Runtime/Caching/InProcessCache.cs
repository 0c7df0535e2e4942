using System.Collections.Concurrent;
using OpenClaw.Core.Caching;

namespace OpenClaw.Runtime.Caching;

/// <summary>
/// The default <see cref="ICache"/>: a dictionary in this process, bounded to about <see cref="MaxEntries"/> (least
/// recently used entries go first), with lifetimes measured by <see cref="TimeProvider"/>. With an <see cref="ICacheInvalidationBus"/> (several nodes on PostgreSQL)
/// a removal is published to every node and removals from other nodes are applied here.
/// </summary>
public sealed class InProcessCache : ICache, IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ICacheInvalidationBus? _bus;
    private readonly Lock _trimming = new();
    private long _clock;

    public InProcessCache(TimeProvider time, int maxEntries = 10_000, ICacheInvalidationBus? bus = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _time = time;
        MaxEntries = maxEntries;
        _bus = bus;
        if (_bus is not null) _bus.Invalidated += OnInvalidated;
    }

    /// <summary>
    /// Past this many entries, a write first drops the expired ones, then the least recently used. Not by nearest expiry:
    /// lifetimes differ by kind (an execution's context lives 24 h, a workflow definition 1 h), and a burst of starts
    /// would otherwise push out the definitions every start reads. Writes during a trim do not wait for it, so the count
    /// may pass the bound briefly.
    /// </summary>
    public int MaxEntries { get; }

    public int Count => _entries.Count;

    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!_entries.TryGetValue(key, out var entry)) return ValueTask.FromResult<string?>(null);
        if (entry.ExpiresAt > _time.GetUtcNow())
        {
            entry.LastUsed = Interlocked.Increment(ref _clock);
            return ValueTask.FromResult<string?>(entry.Value);
        }
        _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        return ValueTask.FromResult<string?>(null);
    }

    public ValueTask SetAsync(string key, string value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        if (_entries.Count >= MaxEntries && !_entries.ContainsKey(key)) Trim();
        _entries[key] = new Entry(value, _time.GetUtcNow() + timeToLive) { LastUsed = Interlocked.Increment(ref _clock) };
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

    /// <summary>Makes room for a tenth of the capacity: expired entries first, then the least recently used. One at a time.</summary>
    private void Trim()
    {
        if (!_trimming.TryEnter()) return;
        try
        {
            // A copy taken under the dictionary's locks: enumerating it while others write is not a consistent view.
            var now = _time.GetUtcNow();
            var live = new List<KeyValuePair<string, Entry>>(_entries.Count);
            foreach (var pair in _entries.ToArray())
            {
                if (pair.Value.ExpiresAt <= now) _entries.TryRemove(pair);
                else live.Add(pair);
            }
            var excess = live.Count - (MaxEntries - Math.Max(1, MaxEntries / 10));
            if (excess <= 0) return;
            live.Sort(static (a, b) => a.Value.LastUsed.CompareTo(b.Value.LastUsed));
            // Only if unchanged since the copy: a value written meanwhile stays.
            for (var i = 0; i < excess; i++) _entries.TryRemove(live[i]);
        }
        finally
        {
            _trimming.Exit();
        }
    }

    private sealed class Entry(string value, DateTimeOffset expiresAt)
    {
        public string Value { get; } = value;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        /// <summary>When it was last written or read, on this cache's own counter (higher is more recent).</summary>
        public long LastUsed { get; set; }
    }
}
