using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// Keeps one connection open doing <c>LISTEN openclaw_tasks</c> and raises <see cref="TaskQueued"/> whenever another node
/// (or this one) commits a queued task, so workers can sleep until there is work instead of polling the database.
/// </summary>
/// <remarks>
/// The connection is outside the pool and idle between notifications: an idle system costs the server one sleeping
/// backend and no queries (dead peers are found by TCP keepalives, not by polling). If the connection drops (the server
/// restarts, an administrator terminates it, the network fails) the listener reconnects with exponential backoff and,
/// once listening again, raises <see cref="TaskQueued"/> with <see cref="DateTimeOffset.MinValue"/>: notifications sent
/// while it was away are lost, so subscribers should look at the queue once. It does the same after the first connect.
/// <para>Start it with <see cref="StartAsync"/> (the DI registration does so with the host); stop or dispose it to close the connection.</para>
/// </remarks>
public sealed partial class PostgresQueueListener : IHostedService, IAsyncDisposable, IQueueSignal, ISchedulerSignal, IExecutionChangeSignal
{
    private readonly PostgresDatabase _database;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _stopping;
    private Task? _loop;
    private long _connects;
    private int _backendProcessId;

    /// <summary>Creates a listener for the database <paramref name="database"/> points at (which it does not own).</summary>
    public PostgresQueueListener(PostgresDatabase database, ILogger<PostgresQueueListener>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = logger ?? NullLogger<PostgresQueueListener>.Instance;

        var settings = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            // LISTEN is session state: the pool would reset it, and this connection lives for the whole process anyway.
            Pooling = false,
            MaxAutoPrepare = 0,
            ApplicationName = "OpenClaw listener",
            TcpKeepAlive = true,
            TcpKeepAliveTime = 30,
            TcpKeepAliveInterval = 10,
        };
        _connectionString = settings.ConnectionString;
    }

    /// <summary>
    /// A task was queued, due at the argument (the earliest <c>run_at</c> that commit queued; <see cref="DateTimeOffset.MinValue"/>
    /// when unknown, as after a reconnect). Raised on the listener's own thread: handlers must be quick and must not block.
    /// </summary>
    public event Action<DateTimeOffset>? TaskQueued;

    /// <inheritdoc />
    public event Action<string>? Changed;

    /// <summary>
    /// An execution changed (its id), when <see cref="PostgresStorageOptions.ListenForExecutionChanges"/> is set;
    /// <see cref="Guid.Empty"/> after a (re)connect, when changes may have been missed. Raised on the listener's thread.
    /// </summary>
    public event Action<Guid>? ExecutionChanged;

    /// <summary>
    /// A cache key another node (or this one) invalidated, when <see cref="PostgresStorageOptions.ListenForCacheInvalidations"/>
    /// is set; <c>*</c> after a (re)connect, when invalidations may have been missed. Raised on the listener's thread.
    /// </summary>
    public event Action<string>? CacheKeyInvalidated;

    /// <summary>Whether <c>LISTEN</c> is active on a live connection right now.</summary>
    public bool IsListening { get; private set; }

    /// <summary>How many times a connection was opened and began listening (1 after the first start, more after reconnects).</summary>
    public long ConnectCount => Interlocked.Read(ref _connects);

    /// <summary>The server process of the current listening connection (for tests that terminate it), or 0.</summary>
    internal int BackendProcessId => Volatile.Read(ref _backendProcessId);

    /// <summary>Completes at the next <see cref="TaskQueued"/> raised after the call (edge-triggered: earlier ones are not remembered).</summary>
    public Task WaitAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _next.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Completes once <c>LISTEN</c> is active (now, if it already is).</summary>
    public Task WaitUntilListeningAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _listening.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Starts listening in the background; returns at once (an unreachable server is retried, not thrown).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_loop is null)
            {
                _stopping = new CancellationTokenSource();
                var token = _stopping.Token;
                _loop = Task.Run(() => RunAsync(token), CancellationToken.None);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops listening and closes the connection.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? loop;
        CancellationTokenSource? stopping;
        lock (_gate)
        {
            loop = _loop;
            stopping = _stopping;
            _loop = null;
            _stopping = null;
        }

        if (loop is null || stopping is null)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stopping.Dispose();
        }
    }

    /// <inheritdoc cref="StopAsync"/>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var options = _database.Options;
        var delay = options.ListenerReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var connection = new NpgsqlConnection(_connectionString);
            try
            {
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += OnNotification;
                // Schedule and queue-pause changes matter to every listening node (dispatchers and cron schedulers).
                var channels = (options.ListenForTasks || !options.Listens ? $"LISTEN {PostgresExecutionStore.NotificationChannel};" : "")
                    + $"LISTEN {PostgresQueueStore.SchedulerChannel};"
                    + (options.ListenForExecutionChanges ? $"LISTEN {PostgresExecutionStore.ExecutionChannel};" : "")
                    + (options.ListenForCacheInvalidations ? $"LISTEN {PostgresCacheInvalidationBus.Channel};" : "");
                await using (var listen = new NpgsqlCommand(channels, connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                Volatile.Write(ref _backendProcessId, connection.ProcessID);
                Interlocked.Increment(ref _connects);
                SetListening(true);
                delay = options.ListenerReconnectDelay;
                LogListening(_database.DatabaseName, connection.ProcessID);

                // Whatever was queued while nobody listened: subscribers look at the queue once.
                Raise(DateTimeOffset.MinValue);
                RaiseChanged("reconnect");
                if (options.ListenForExecutionChanges) RaiseExecutionChanged(Guid.Empty);
                if (options.ListenForCacheInvalidations) RaiseCacheKeyInvalidated("*");

                while (true)
                {
                    // Returns after each notification (handled by OnNotification); throws when the connection breaks.
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogConnectionLost(ex, _database.DatabaseName, delay);
            }
            finally
            {
                SetListening(false);
                Volatile.Write(ref _backendProcessId, 0);
                connection.Notification -= OnNotification;
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(Jitter(delay), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.ListenerMaxReconnectDelay.Ticks));
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == PostgresQueueStore.SchedulerChannel)
        {
            RaiseChanged(e.Payload);
            return;
        }

        if (e.Channel == PostgresCacheInvalidationBus.Channel)
        {
            RaiseCacheKeyInvalidated(e.Payload);
            return;
        }

        if (e.Channel == PostgresExecutionStore.ExecutionChannel)
        {
            foreach (var range in e.Payload.AsSpan().Split(','))
            {
                if (Guid.TryParse(e.Payload.AsSpan(range), out var executionId)) RaiseExecutionChanged(executionId);
            }
            return;
        }

        var due = long.TryParse(e.Payload, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MinValue;
        Raise(due);
    }

    private void RaiseChanged(string what)
    {
        try
        {
            Changed?.Invoke(what);
        }
        catch (Exception ex)
        {
            LogSubscriberFailed(ex);
        }
    }

    private void Raise(DateTimeOffset due)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
        try
        {
            TaskQueued?.Invoke(due);
        }
        catch (Exception ex)
        {
            // A faulty subscriber must not cost the others their wake-ups.
            LogSubscriberFailed(ex);
        }
    }

    private void RaiseExecutionChanged(Guid executionId) => RaiseSafely(ExecutionChanged, executionId);

    private void RaiseCacheKeyInvalidated(string key) => RaiseSafely(CacheKeyInvalidated, key);

    private void RaiseSafely<T>(Action<T>? handlers, T argument)
    {
        try
        {
            handlers?.Invoke(argument);
        }
        catch (Exception ex)
        {
            LogSubscriberFailed(ex);
        }
    }

    private void SetListening(bool listening)
    {
        lock (_gate)
        {
            IsListening = listening;
            if (listening)
            {
                _listening.TrySetResult();
            }
            else if (_listening.Task.IsCompleted)
            {
                _listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>±20 %, so nodes cut off together do not all reconnect in the same instant.</summary>
    private static TimeSpan Jitter(TimeSpan delay) => TimeSpan.FromTicks((long)(delay.Ticks * (0.8 + (Random.Shared.NextDouble() * 0.4))));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listening for queued tasks on database {Database} (server process {ProcessId}).")]
    private partial void LogListening(string database, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue listener's connection to database {Database} failed; reconnecting in {Delay}.")]
    private partial void LogConnectionLost(Exception exception, string database, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "A TaskQueued subscriber threw; the listener goes on.")]
    private partial void LogSubscriberFailed(Exception exception);
}
