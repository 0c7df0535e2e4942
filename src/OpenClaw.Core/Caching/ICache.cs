namespace OpenClaw.Core.Caching;

/// <summary>
/// A key-value cache of strings (JSON) with a time to live per entry: in process by default, Redis when configured.
/// Keys and lifetimes are those of the specification (<see cref="CacheKeys"/>). A cache is never the source of truth:
/// a miss, an expired entry or an unreachable cache server only costs a read of the database.
/// </summary>
public interface ICache
{
    /// <summary>The value, or null when absent or expired.</summary>
    ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="value"/> until <paramref name="timeToLive"/> has passed.</summary>
    ValueTask SetAsync(string key, string value, TimeSpan timeToLive, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry here and, for a cache local to each node, on every other node (invalidation).</summary>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);
}
