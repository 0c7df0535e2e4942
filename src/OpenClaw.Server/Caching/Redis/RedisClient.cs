using System.Collections.Concurrent;
using System.Globalization;

namespace OpenClaw.Server.Caching.Redis;

/// <summary>
/// A minimal Redis client: GET, SET with EX, DEL and PING over a small pool of RESP2 connections.
/// </summary>
/// <remarks>
/// Hand-written because no Redis client package restores in this build environment (StackExchange.Redis and the
/// others tried fail; see DESIGN.md section 4), and the cache needs only these four commands, without pipelining or
/// pub/sub. A connection that fails or times out mid-command is discarded, never reused half-read.
/// </remarks>
public sealed class RedisClient : IAsyncDisposable
{
    private readonly ConcurrentBag<RedisConnection> _idle = [];
    private readonly SemaphoreSlim _slots;
    private volatile bool _disposed;

    public RedisClient(RedisSettings settings, int maxConnections = 16, TimeSpan? operationTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        Settings = settings;
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
        OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(2);
    }

    public RedisSettings Settings { get; }

    /// <summary>Longest a command (including connecting) may take before it fails; a cache must not hold requests up.</summary>
    public TimeSpan OperationTimeout { get; }

    /// <summary>The value of <paramref name="key"/>, or null when it does not exist.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (string?)await ExecuteAsync(["GET", key], cancellationToken).ConfigureAwait(false);

    /// <summary>Sets <paramref name="key"/> with a time to live (rounded up to whole seconds, as <c>EX</c> takes).</summary>
    public Task SetAsync(string key, string value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(timeToLive.TotalSeconds));
        return ExecuteAsync(["SET", key, value, "EX", seconds.ToString(CultureInfo.InvariantCulture)], cancellationToken);
    }

    /// <summary>Deletes <paramref name="key"/>; returns whether it existed.</summary>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        (long)(await ExecuteAsync(["DEL", key], cancellationToken).ConfigureAwait(false))! > 0;

    /// <summary>PING; throws when the server cannot be reached or refuses (e.g. a wrong password).</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync(["PING"], cancellationToken).ConfigureAwait(false);
        if (reply as string != "PONG") throw new IOException($"Redis answered PING with '{reply}'.");
    }

    /// <summary>Runs one command on a pooled connection (opening one when none is idle).</summary>
    /// <exception cref="RedisException">The server answered with an error.</exception>
    /// <exception cref="TimeoutException">The command took longer than <see cref="OperationTimeout"/>.</exception>
    public async Task<object?> ExecuteAsync(IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OperationTimeout);
        try
        {
            await _slots.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No Redis connection to {Settings} became free within {OperationTimeout}.");
        }

        RedisConnection? connection = null;
        try
        {
            connection = _idle.TryTake(out var idle) ? idle : await RedisConnection.OpenAsync(Settings, timeout.Token).ConfigureAwait(false);
            return await connection.ExecuteAsync(command, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Redis at {Settings} did not answer {command[0]} within {OperationTimeout}.");
        }
        finally
        {
            if (connection is not null)
            {
                if (connection.Healthy && !_disposed) _idle.Add(connection);
                else await connection.DisposeAsync().ConfigureAwait(false);
            }
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection)) await connection.DisposeAsync().ConfigureAwait(false);
    }
}
