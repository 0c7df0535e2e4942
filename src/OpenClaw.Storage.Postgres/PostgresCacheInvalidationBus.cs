using Npgsql;
using OpenClaw.Core.Caching;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// Cache invalidations between nodes over PostgreSQL: <c>NOTIFY openclaw_cache, '&lt;key&gt;'</c> out, and the
/// listener's <see cref="PostgresQueueListener.CacheKeyInvalidated"/> in (which needs
/// <see cref="PostgresStorageOptions.ListenForCacheInvalidations"/>).
/// </summary>
public sealed class PostgresCacheInvalidationBus : ICacheInvalidationBus
{
    /// <summary>The channel invalidated cache keys are announced on.</summary>
    public const string Channel = "openclaw_cache";

    private readonly PostgresDatabase _database;

    public PostgresCacheInvalidationBus(PostgresDatabase database, PostgresQueueListener listener)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(listener);
        _database = database;
        listener.CacheKeyInvalidated += key => Invalidated?.Invoke(key);
    }

    /// <inheritdoc />
    public event Action<string>? Invalidated;

    /// <inheritdoc />
    public async Task PublishAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT pg_notify('{Channel}', $1);", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
