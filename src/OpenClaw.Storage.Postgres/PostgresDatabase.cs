using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// Owns the connection pool (an <see cref="NpgsqlDataSource"/>) to one PostgreSQL database and brings its schema up to
/// date.
/// </summary>
/// <remarks>
/// Unlike SQLite, PostgreSQL admits many writers: every store call rents a pooled connection for one round trip (or a
/// few), and concurrency between nodes is settled by the database (revision checks, <c>FOR UPDATE SKIP LOCKED</c>).
/// <para>
/// The database migrates on first use, or when <see cref="InitializeAsync"/> is awaited (the host does so at startup so
/// an unreachable server or a schema from a newer build fails the start, not the first request).
/// <see cref="OpenAsync(PostgresStorageOptions, CancellationToken)"/> does both in one call.
/// </para>
/// </remarks>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    /// <summary><c>CTE AS MATERIALIZED</c> needs 12; older servers are out of support anyway.</summary>
    private const int MinimumServerMajorVersion = 12;

    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Lock _initGate = new();
    private Task? _initTask;
    private volatile bool _open;
    private int _disposed;

    /// <summary>Creates the database object; nothing is opened until first use or <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public PostgresDatabase(PostgresStorageOptions options, ILogger<PostgresDatabase>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        // Copied so that later changes to the caller's options object cannot change a running database.
        Options = options.Copy();
        _logger = logger ?? NullLogger<PostgresDatabase>.Instance;

        var builder = new NpgsqlDataSourceBuilder(Options.ConnectionString);
        var settings = builder.ConnectionStringBuilder;

        // Names this node's sessions in pg_stat_activity.
        settings.ApplicationName ??= "OpenClaw";

        // The stores never change session state (no SET, temp tables or LISTEN on pooled connections), so the reset
        // Npgsql otherwise sends each time a connection is rented again (RESET ALL; UNLISTEN *; DISCARD ...) is wasted work.
        settings.NoResetOnClose = true;
        if (Options.AutoPrepare && settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 32;
            settings.AutoPrepareMinUsages = 2;
        }

        Host = settings.Host ?? "";
        DatabaseName = settings.Database ?? settings.Username ?? "";
        ConnectionString = settings.ConnectionString;
        _dataSource = builder.Build();
    }

    /// <summary>The server's host name (as configured), for messages; the password never appears in them.</summary>
    public string Host { get; }

    /// <summary>The database name (as configured).</summary>
    public string DatabaseName { get; }

    internal PostgresStorageOptions Options { get; }

    /// <summary>The effective connection string, for connections outside the pool (the listener).</summary>
    internal string ConnectionString { get; }

    internal ILogger Logger => _logger;

    /// <summary>Creates, connects and migrates a database in one call.</summary>
    /// <exception cref="PostgresStorageException">The server could not be reached or the database could not be migrated.</exception>
    public static Task<PostgresDatabase> OpenAsync(PostgresStorageOptions options, CancellationToken cancellationToken = default) =>
        OpenAsync(options, null, cancellationToken);

    /// <inheritdoc cref="OpenAsync(PostgresStorageOptions, CancellationToken)"/>
    public static async Task<PostgresDatabase> OpenAsync(PostgresStorageOptions options, ILogger<PostgresDatabase>? logger, CancellationToken cancellationToken = default)
    {
        var database = new PostgresDatabase(options, logger);
        try
        {
            await database.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Connects, checks the server version and applies pending migrations. Safe to call many times and concurrently
    /// (also from several nodes: migrations run under an advisory lock); a failed attempt is retried by the next call.
    /// </summary>
    /// <exception cref="PostgresStorageException">The server could not be reached or the database could not be migrated.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Task init;
        lock (_initGate)
        {
            if (_initTask is null || _initTask.IsFaulted || _initTask.IsCanceled)
            {
                // Not tied to the caller's token: other callers may be waiting on the same task.
                _initTask = Task.Run(InitializeCoreAsync, CancellationToken.None);
            }

            init = _initTask;
        }

        return init.WaitAsync(cancellationToken);
    }

    private async Task InitializeCoreAsync()
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            if (connection.PostgreSqlVersion.Major < MinimumServerMajorVersion)
            {
                throw new PostgresStorageException(
                    $"PostgreSQL {connection.PostgreSqlVersion} at '{Host}' is too old: OpenClaw needs {MinimumServerMajorVersion} or newer.");
            }

            await new PostgresMigrator(PostgresMigrator.EmbeddedMigrations, _logger).MigrateAsync(connection).ConfigureAwait(false);
            _open = true;
            _logger.LogInformation("PostgreSQL database {Database} on {Host} open (server {Version}).", DatabaseName, Host, connection.PostgreSqlVersion);
        }
        catch (PostgresStorageException)
        {
            throw;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            throw new PostgresStorageException($"Could not open PostgreSQL database '{DatabaseName}' on '{Host}': {ex.Message}", ex);
        }
    }

    /// <summary>Opens a pooled connection, migrating first if that has not happened yet; dispose it to return it.</summary>
    internal async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (!_open)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for a pending initialization, then closes every pooled connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Task? init;
        lock (_initGate)
        {
            init = _initTask;
        }

        if (init is not null)
        {
            try
            {
                await init.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The failure was reported to whoever awaited the open; there is nothing more to close.
            }
        }

        _open = false;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
