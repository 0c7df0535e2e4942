using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenClaw.Storage.Sqlite;

/// <summary>
/// Owns the connections to one SQLite database file: a single writer connection and a small pool of readers.
/// </summary>
/// <remarks>
/// SQLite admits one writer at a time. Serialising writes in-process behind an async lock means this process never
/// collides with itself on <c>SQLITE_BUSY</c>, and hot statements stay prepared on the one writer connection. WAL
/// journaling lets the readers query while the writer commits. Other processes sharing the file are handled by
/// <c>busy_timeout</c> and <c>BEGIN IMMEDIATE</c>.
/// <para>
/// The database opens and migrates on first use, or when <see cref="InitializeAsync"/> is awaited (the host does so at
/// startup so a bad file or a schema from a newer build fails the start, not the first request).
/// <see cref="OpenAsync(SqliteStorageOptions, CancellationToken)"/> does both in one call.
/// </para>
/// </remarks>
public sealed class SqliteDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>STRICT tables need 3.37, built-in JSON functions 3.38, RETURNING 3.35.</summary>
    private static readonly Version MinimumSqliteVersion = new(3, 38, 0);

    private readonly SqliteStorageOptions _options;
    private readonly ILogger _logger;
    private readonly string _writerConnectionString;
    private readonly string _readerConnectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentQueue<SqliteConnection> _idleReaders = new();
    private readonly Lock _initGate = new();
    private Task? _initTask;
    private SqliteConnection? _writer;
    private volatile bool _open;
    private int _disposed;

    /// <summary>Creates the database object; nothing is opened until first use or <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public SqliteDatabase(SqliteStorageOptions options, ILogger<SqliteDatabase>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        // Copied so that later changes to the caller's options object cannot change a running database.
        _options = new SqliteStorageOptions
        {
            DataSource = Path.GetFullPath(options.DataSource),
            Synchronous = options.Synchronous.ToUpperInvariant(),
            BusyTimeoutMs = options.BusyTimeoutMs,
            MaxReaderConnections = options.MaxReaderConnections,
        };
        _logger = logger ?? NullLogger<SqliteDatabase>.Instance;

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = _options.DataSource,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,

            // This class is the pool; the driver's pool would keep files open after Dispose.
            Pooling = false,
            DefaultTimeout = Math.Max(1, (_options.BusyTimeoutMs + 999) / 1000),
        };
        _writerConnectionString = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadWrite;
        _readerConnectionString = builder.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string DataSource => _options.DataSource;

    /// <summary>Creates, opens and migrates a database in one call.</summary>
    /// <exception cref="SqliteStorageException">The file could not be opened or migrated.</exception>
    public static Task<SqliteDatabase> OpenAsync(SqliteStorageOptions options, CancellationToken cancellationToken = default) =>
        OpenAsync(options, null, cancellationToken);

    /// <inheritdoc cref="OpenAsync(SqliteStorageOptions, CancellationToken)"/>
    public static async Task<SqliteDatabase> OpenAsync(SqliteStorageOptions options, ILogger<SqliteDatabase>? logger, CancellationToken cancellationToken = default)
    {
        var database = new SqliteDatabase(options, logger);
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
    /// Creates the folder, opens the writer connection (WAL, foreign keys, busy timeout) and applies pending migrations.
    /// Safe to call many times and concurrently; a failed attempt is retried by the next call.
    /// </summary>
    /// <exception cref="SqliteStorageException">The file could not be opened or migrated.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Task init;
        lock (_initGate)
        {
            if (_initTask is null || _initTask.IsFaulted || _initTask.IsCanceled)
            {
                // Not tied to the caller's token: other callers may be waiting on the same task.
                _initTask = Task.Run(InitializeCore, CancellationToken.None);
            }

            init = _initTask;
        }

        return init.WaitAsync(cancellationToken);
    }

    private void InitializeCore()
    {
        SqliteConnection? writer = null;
        try
        {
            var folder = Path.GetDirectoryName(_options.DataSource);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            writer = OpenConnection(_writerConnectionString, reader: false);
            CheckSqliteVersion(writer);

            using (var command = writer.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode=WAL;";
                var mode = Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new SqliteStorageException(
                        $"SQLite database '{_options.DataSource}' could not switch to WAL journaling (it reports '{mode}'); WAL needs a local file system.");
                }
            }

            new SqliteMigrator(SqliteMigrator.EmbeddedMigrations, _logger).Migrate(writer);

            _writer = writer;
            _open = true;
            _logger.LogInformation("SQLite database {DataSource} open (synchronous={Synchronous}).", _options.DataSource, _options.Synchronous);
        }
        catch (Exception ex)
        {
            writer?.Dispose();
            if (ex is SqliteStorageException)
            {
                throw;
            }

            throw new SqliteStorageException($"Could not open SQLite database '{_options.DataSource}': {ex.Message}", ex);
        }
    }

    private static void CheckSqliteVersion(SqliteConnection connection)
    {
        var text = connection.ServerVersion;
        if (!Version.TryParse(text, out var version) || version < MinimumSqliteVersion)
        {
            throw new SqliteStorageException($"SQLite {text} is too old; OpenClaw needs {MinimumSqliteVersion} or newer (STRICT tables, JSON functions, RETURNING).");
        }
    }

    private SqliteConnection OpenConnection(string connectionString, bool reader)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                $"PRAGMA busy_timeout={_options.BusyTimeoutMs.ToString(CultureInfo.InvariantCulture)};" +
                "PRAGMA foreign_keys=ON;" +
                $"PRAGMA synchronous={_options.Synchronous};" +
                "PRAGMA temp_store=MEMORY;" +
                (reader ? "PRAGMA query_only=ON;" : "");
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Takes the writer lock; dispose the lease to release it. Statements run on <see cref="WriterLease.Connection"/>.</summary>
    internal async ValueTask<WriterLease> AcquireWriterAsync(CancellationToken cancellationToken)
    {
        if (!_open)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) != 0 || _writer is null)
        {
            _writeLock.Release();
            throw new ObjectDisposedException(nameof(SqliteDatabase));
        }

        return new WriterLease(_writeLock, _writer);
    }

    /// <summary>Rents a read-only connection; dispose the lease to return it to the pool.</summary>
    internal async ValueTask<ReaderLease> RentReaderAsync(CancellationToken cancellationToken)
    {
        if (!_open)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_idleReaders.TryDequeue(out var connection))
        {
            connection = OpenConnection(_readerConnectionString, reader: true);
        }

        return new ReaderLease(this, connection);
    }

    private void ReturnReader(SqliteConnection connection)
    {
        if (Volatile.Read(ref _disposed) != 0 || _idleReaders.Count >= _options.MaxReaderConnections)
        {
            connection.Dispose();
            return;
        }

        _idleReaders.Enqueue(connection);

        // DisposeAsync may have drained the pool between the check and the Add.
        if (Volatile.Read(ref _disposed) != 0)
        {
            DrainReaders();
        }
    }

    private void DrainReaders()
    {
        while (_idleReaders.TryDequeue(out var reader))
        {
            reader.Dispose();
        }
    }

    /// <summary>Waits for the current write to finish, then closes every connection.</summary>
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
                // The failure was reported to whoever awaited the open; there is nothing to close.
            }
        }

        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_writer is not null)
            {
                try
                {
                    using var command = _writer.CreateCommand();
                    command.CommandText = "PRAGMA optimize;";
                    command.ExecuteNonQuery();
                }
                catch (SqliteException ex)
                {
                    _logger.LogDebug(ex, "PRAGMA optimize failed while closing {DataSource}.", _options.DataSource);
                }

                _writer.Dispose();
                _writer = null;
            }

            _open = false;
        }
        finally
        {
            _writeLock.Release();
        }

        DrainReaders();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Exclusive use of the writer connection.</summary>
    internal readonly struct WriterLease(SemaphoreSlim gate, SqliteConnection connection) : IDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public void Dispose() => gate.Release();
    }

    /// <summary>A pooled reader connection.</summary>
    internal readonly struct ReaderLease(SqliteDatabase owner, SqliteConnection connection) : IDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public void Dispose() => owner.ReturnReader(Connection);
    }
}
