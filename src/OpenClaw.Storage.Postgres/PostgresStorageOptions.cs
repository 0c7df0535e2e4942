using Npgsql;

namespace OpenClaw.Storage.Postgres;

/// <summary>Which PostgreSQL database to use and how this node talks to it.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>
    /// An Npgsql connection string, e.g. <c>Host=db;Database=openclaw;Username=openclaw;Password=...</c>. The role needs
    /// to create tables in the database's default schema the first time (migrations run at startup).
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Lets Npgsql prepare the hot statements on each pooled connection (<c>Max Auto Prepare</c>), saving the server a
    /// parse and plan per commit and claim. A value already in the connection string wins; turn this off behind a
    /// pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
    /// </summary>
    public bool AutoPrepare { get; set; } = true;

    /// <summary>Whether the DI registration starts a <see cref="PostgresQueueListener"/> with the host.</summary>
    public bool ListenForTasks { get; set; } = true;

    /// <summary>
    /// Whether the listener also follows <c>openclaw_executions</c> and raises
    /// <see cref="PostgresQueueListener.ExecutionChanged"/> (nodes serving live views of executions run elsewhere).
    /// </summary>
    public bool ListenForExecutionChanges { get; set; }

    /// <summary>
    /// Whether the listener also follows <c>openclaw_cache</c> and raises <see cref="PostgresQueueListener.CacheKeyInvalidated"/>
    /// (nodes keeping an in-process cache that other nodes invalidate).
    /// </summary>
    public bool ListenForCacheInvalidations { get; set; }

    /// <summary>Whether the listener has anything to listen for.</summary>
    internal bool Listens => ListenForTasks || ListenForExecutionChanges || ListenForCacheInvalidations;

    /// <summary>The listener's first wait before reconnecting after its connection dropped; it doubles up to <see cref="ListenerMaxReconnectDelay"/>.</summary>
    public TimeSpan ListenerReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two reconnection attempts of the listener.</summary>
    public TimeSpan ListenerMaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException(
                "PostgresStorageOptions.ConnectionString must be an Npgsql connection string, e.g. 'Host=localhost;Database=openclaw;Username=openclaw;Password=...'.",
                nameof(ConnectionString));
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"PostgresStorageOptions.ConnectionString is not a valid Npgsql connection string: {ex.Message}", nameof(ConnectionString), ex);
        }

        if (ListenerReconnectDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException($"PostgresStorageOptions.ListenerReconnectDelay must be positive, not {ListenerReconnectDelay}.", nameof(ListenerReconnectDelay));
        }

        if (ListenerMaxReconnectDelay < ListenerReconnectDelay)
        {
            throw new ArgumentException(
                $"PostgresStorageOptions.ListenerMaxReconnectDelay ({ListenerMaxReconnectDelay}) must be at least ListenerReconnectDelay ({ListenerReconnectDelay}).",
                nameof(ListenerMaxReconnectDelay));
        }
    }

    internal PostgresStorageOptions Copy() => new()
    {
        ConnectionString = ConnectionString,
        AutoPrepare = AutoPrepare,
        ListenForTasks = ListenForTasks,
        ListenForExecutionChanges = ListenForExecutionChanges,
        ListenForCacheInvalidations = ListenForCacheInvalidations,
        ListenerReconnectDelay = ListenerReconnectDelay,
        ListenerMaxReconnectDelay = ListenerMaxReconnectDelay,
    };
}
