using System.Globalization;

namespace OpenClaw.Server.Caching.Redis;

/// <summary>
/// Counters every node shares through Redis, each changed by one atomic Lua script (<c>EVAL</c>): fixed-window rate
/// limits and daily quotas. When Redis fails, a method answers null and callers count in their own process instead;
/// after a failure Redis is left alone for <see cref="RetryAfterFailure"/>, so an unreachable server does not add its
/// timeout to every request.
/// </summary>
public sealed partial class RedisCounters(RedisClient client, TimeProvider time, ILogger<RedisCounters> logger)
{
    /// <summary>How long counting stays per node after Redis failed, before it is tried again.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    // INCR, and on the window's first hit its expiry: one round trip, and no window key outlives its window.
    private const string HitScript =
        "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return c";

    // Takes one unit unless the count has reached the limit; a missing key starts from the caller's seed (the database's count).
    private const string TakeScript =
        "local c = redis.call('GET', KEYS[1]) if c then c = tonumber(c) else c = tonumber(ARGV[2]) end "
        + "if c >= tonumber(ARGV[1]) then return -1 end redis.call('SET', KEYS[1], c + 1, 'PX', ARGV[3]) return c + 1";

    private const string GiveBackScript = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0";

    private const long NeverFailed = 0;
    private long _failedAt = NeverFailed;

    /// <summary>Whether the last attempt failed within <see cref="RetryAfterFailure"/> (counting is per node meanwhile).</summary>
    public bool Degraded => time.GetUtcNow().UtcTicks - Interlocked.Read(ref _failedAt) < RetryAfterFailure.Ticks;

    /// <summary>Counts one more hit in the window <paramref name="key"/> names; the count so far, or null when Redis failed.</summary>
    public Task<long?> HitAsync(string key, TimeSpan window, CancellationToken ct) =>
        EvalAsync(HitScript, key, ct, Millis(window));

    /// <summary>Takes one unit of a quota; true when taken, false when used up, null when Redis failed.</summary>
    /// <param name="seed">The count to start from when the key does not exist (yet, or any more).</param>
    public async Task<bool?> TryTakeAsync(string key, long limit, long seed, TimeSpan timeToLive, CancellationToken ct) =>
        await EvalAsync(TakeScript, key, ct, limit.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture), Millis(timeToLive))
            is { } taken ? taken >= 0 : null;

    /// <summary>Gives back one unit taken by <see cref="TryTakeAsync"/>.</summary>
    public Task<long?> GiveBackAsync(string key, CancellationToken ct) => EvalAsync(GiveBackScript, key, ct);

    private async Task<long?> EvalAsync(string script, string key, CancellationToken ct, params string[] args)
    {
        if (Degraded) return null;
        try
        {
            var reply = await client.ExecuteAsync(["EVAL", script, "1", key, .. args], ct).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _failedAt, NeverFailed) != NeverFailed) LogRecovered(client.Settings.ToString());
            return (long)reply!;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is IOException or TimeoutException or System.Net.Sockets.SocketException or RedisException)
        {
            if (Interlocked.Exchange(ref _failedAt, time.GetUtcNow().UtcTicks) == NeverFailed) LogFailed(ex, client.Settings.ToString());
            return null;
        }
    }

    private static string Millis(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Redis} failed; rate limits and execution quotas are counted per node until it answers again")]
    private partial void LogFailed(Exception exception, string redis);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis at {Redis} answers again; rate limits and execution quotas are counted cluster-wide")]
    private partial void LogRecovered(string redis);
}
