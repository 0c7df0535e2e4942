namespace OpenClaw.Server.Observability;

/// <summary>The last <c>capacity</c> keys added; not thread-safe (one reader).</summary>
internal sealed class RecentSet<T>(int capacity)
    where T : notnull
{
    private readonly HashSet<T> _set = new(capacity);
    private readonly Queue<T> _order = new(capacity);

    /// <returns>False when the key is already among the recent ones.</returns>
    public bool Add(T key)
    {
        if (!_set.Add(key)) return false;
        _order.Enqueue(key);
        if (_order.Count > capacity) _set.Remove(_order.Dequeue());
        return true;
    }

    public bool Contains(T key) => _set.Contains(key);
}
