using OpenClaw.Core.Caching;

namespace OpenClaw.Server.Caching.Redis;

/// <summary>
/// <see cref="ICache"/> on a Redis server shared by every node, so an invalidation on one node is seen by all. Redis
/// being down makes reads misses and writes no-ops (logged), never failed requests: the database stays the truth.
/// </summary>
internal sealed partial class RedisCache(RedisClient client, ILogger<RedisCache> logger) : ICache
{
    public async ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await client.GetAsync(key, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            LogUnavailable(ex, "GET", key);
            return null;
        }
    }

    public async ValueTask SetAsync(string key, string value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.SetAsync(key, value, timeToLive, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            LogUnavailable(ex, "SET", key);
        }
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.DeleteAsync(key, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            // The entry may outlive the change until its time to live ends; say so loudly.
            LogInvalidationFailed(ex, key);
        }
    }

    private static bool IsUnavailable(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is IOException or TimeoutException or System.Net.Sockets.SocketException or RedisException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis cache {Command} {Key} failed; treated as a miss")]
    private partial void LogUnavailable(Exception exception, string command, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis cache could not invalidate {Key}; a stale copy may be served until it expires")]
    private partial void LogInvalidationFailed(Exception exception, string key);
}
