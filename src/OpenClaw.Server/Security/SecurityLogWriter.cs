using System.Collections.Concurrent;
using System.Threading.Channels;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>
/// Writes the access log, security events and API-key last-use times in batches from a background loop, so a request
/// never waits on an insert of its own: the hot path only enqueues. What is queued when the server stops is flushed.
/// </summary>
/// <remarks>
/// Bounded: when the database falls behind by <see cref="Capacity"/> entries, the oldest access-log entries are
/// dropped (and counted) rather than stalling requests; security events are kept in a queue of their own.
/// </remarks>
internal sealed class SecurityLogWriter(ISecurityLogStore store, IIdentityStore identities, ILogger<SecurityLogWriter> logger) : BackgroundService
{
    public const int Capacity = 50_000;
    private const int BatchSize = 1000;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(500);

    private readonly Channel<AccessLogRecord> _access = Channel.CreateBounded<AccessLogRecord>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Channel<SecurityEventRecord> _events = Channel.CreateUnbounded<SecurityEventRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _keysUsed = new();
    private readonly SemaphoreSlim _flushLock = new(1, 1);

    public void Access(AccessLogRecord record) => _access.Writer.TryWrite(record);

    public void Event(SecurityEventRecord record)
    {
        _events.Writer.TryWrite(record);
        logger.LogWarning("Security event {SecurityEventKind} in tenant {TenantId} by {Actor} from {Ip}: {Detail}",
            record.Kind, record.TenantId, record.Actor, record.Ip, record.Detail);
    }

    public void KeyUsed(Guid keyId, DateTimeOffset at) => _keysUsed[keyId] = at;

    /// <summary>Writes everything queued so far (tests and shutdown; the loop does it every half second).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushLock.WaitAsync(cancellationToken);
        try
        {
            while (Drain(_events.Reader) is { Count: > 0 } events) await store.AppendSecurityEventsAsync(events, cancellationToken);
            while (Drain(_access.Reader) is { Count: > 0 } access) await store.AppendAccessLogAsync(access, cancellationToken);
            if (!_keysUsed.IsEmpty)
            {
                var used = new Dictionary<Guid, DateTimeOffset>();
                foreach (var id in _keysUsed.Keys)
                    if (_keysUsed.TryRemove(id, out var at)) used[id] = at;
                await identities.TouchApiKeysAsync(used, cancellationToken);
            }
        }
        finally
        {
            _flushLock.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Writing the access log and security events failed; retrying in {Interval}", FlushInterval);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: flushed below.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Writing the last access-log entries and security events at shutdown failed");
        }
    }

    private static List<T> Drain<T>(ChannelReader<T> reader)
    {
        var batch = new List<T>();
        while (batch.Count < BatchSize && reader.TryRead(out var item)) batch.Add(item);
        return batch;
    }
}
