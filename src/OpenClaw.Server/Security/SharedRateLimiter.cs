using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using OpenClaw.Server.Caching.Redis;

namespace OpenClaw.Server.Security;

/// <summary>
/// Fixed-window rate limits by key: counted cluster-wide in Redis when <c>OpenClaw:Cache:Redis</c> is set (every node
/// adds to one counter per window), else, or while Redis fails, in this process with the shared framework's
/// <see cref="FixedWindowRateLimiter"/>.
/// </summary>
/// <remarks>
/// Windows in Redis are aligned to the clock (<c>ratelimit:{key}:{window number}</c>), so every node agrees on them;
/// the nodes' clocks should agree to well under a window.
/// </remarks>
internal sealed class SharedRateLimiter(TimeProvider time, RedisCounters? shared = null)
{
    private const int MaxLocalLimiters = 100_000;

    private readonly ConcurrentDictionary<string, (int Limit, FixedWindowRateLimiter Limiter)> _local = new(StringComparer.Ordinal);

    /// <summary>Whether limits are counted cluster-wide (Redis configured and answering).</summary>
    public bool ClusterWide => shared is { Degraded: false };

    /// <summary>Takes one request of <paramref name="key"/>'s limit; the wait before the next is allowed when over it.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        if (shared is not null)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var size = (long)window.TotalMilliseconds;
            var number = now / size;
            if (await shared.HitAsync($"ratelimit:{key}:{number}", window, ct) is { } count)
                return count <= limit ? null : TimeSpan.FromMilliseconds((number + 1) * size - now);
        }
        return AcquireLocally(key, limit, window);
    }

    private TimeSpan? AcquireLocally(string key, int limit, TimeSpan window)
    {
        // Keys include webhook paths anyone can make up: do not let them grow without bound.
        if (_local.Count > MaxLocalLimiters) _local.Clear();
        var entry = _local.AddOrUpdate(key,
            _ => (limit, NewLimiter(limit, window)),
            (_, existing) => existing.Limit == limit ? existing : (limit, NewLimiter(limit, window)));
        // Replenished on use rather than by a timer per limiter: dropped limiters then leave nothing running.
        entry.Limiter.TryReplenish();
        using var lease = entry.Limiter.AttemptAcquire();
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : window;
    }

    private static FixedWindowRateLimiter NewLimiter(int limit, TimeSpan window) => new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = limit,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = false,
    });
}
