namespace OpenClaw.Plugins;

/// <summary>
/// A thread-safe least-recently-used cache of values that are expensive to build (compiled scripts and templates).
/// </summary>
/// <remarks>
/// Each value is built once even when many callers ask for the same key at the same time: entries hold a
/// <see cref="Lazy{T}"/>. A factory that throws caches its exception too, which is what a deterministic compiler wants
/// (the same source fails the same way); factories must therefore not depend on cancellation.
/// </remarks>
internal sealed class BoundedCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _order = new(); // most recently used first
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    public TValue GetOrAdd(TKey key, Func<TKey, TValue> factory)
    {
        Lazy<TValue> lazy;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                lazy = node.Value.Value;
            }
            else
            {
                lazy = new Lazy<TValue>(() => factory(key), LazyThreadSafetyMode.ExecutionAndPublication);
                _entries[key] = _order.AddFirst(new Entry(key, lazy));
                if (_entries.Count > capacity)
                {
                    var last = _order.Last!;
                    _order.RemoveLast();
                    _entries.Remove(last.Value.Key);
                }
            }
        }
        return lazy.Value;
    }

    private sealed record Entry(TKey Key, Lazy<TValue> Value);
}
