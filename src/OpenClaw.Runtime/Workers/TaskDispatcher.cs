using Microsoft.Extensions.Logging;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Workers;

/// <summary>
/// Claims due tasks from the queue when workers have room. It sleeps until something can be due: a signal (new
/// queued tasks, a freed worker) or the earliest known <c>run_at</c>, with only a slow safety poll, so an idle
/// system sends almost no queries.
/// </summary>
public sealed partial class TaskDispatcher(IExecutionStore store, WorkerPool workers, RuntimeOptions options, TimeProvider time, ILogger<TaskDispatcher> logger) : IDisposable
{
    private readonly AsyncSignal _signal = new();
    private long _nextDueTicks = long.MaxValue;
    private int _starved;

    /// <summary>Tells the dispatcher a task is queued, due at <paramref name="due"/>.</summary>
    public void NotifyQueued(DateTimeOffset due)
    {
        long ticks = due.UtcTicks;
        long current;
        while (ticks < (current = Interlocked.Read(ref _nextDueTicks)))
        {
            if (Interlocked.CompareExchange(ref _nextDueTicks, ticks, current) == current) break;
        }
        _signal.Set();
    }

    /// <summary>A worker slot was freed; wakes the dispatcher only if it stopped claiming for lack of room.</summary>
    public void CapacityFreed()
    {
        if (Interlocked.Exchange(ref _starved, 0) == 1) _signal.Set();
    }

    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (Interlocked.Read(ref _nextDueTicks) <= now.UtcTicks) Interlocked.Exchange(ref _nextDueTicks, long.MaxValue);

            if (workers.Available == 0)
            {
                Volatile.Write(ref _starved, 1);
            }
            else
            {
                int reserved = workers.Reserve(workers.Available);
                IReadOnlyList<ClaimedTask> claimed;
                try
                {
                    claimed = await store.ClaimAsync(options.NodeId, reserved, now, options.LeaseDuration, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    workers.Release(reserved);
                    LogClaimFailed(ex);
                    await WaitAsync(options.SafetyPollInterval, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                workers.Release(reserved - claimed.Count);
                foreach (var task in claimed) workers.Enqueue(task);
                if (claimed.Count == reserved)
                {
                    // The queue may hold more: claim again as soon as a worker frees up.
                    Volatile.Write(ref _starved, 1);
                    if (workers.Available > 0) continue;
                }
                else if (await store.NextDueAsync(stoppingToken).ConfigureAwait(false) is { } due && due > now)
                {
                    NotifyQueuedQuietly(due);
                }
            }

            var wait = options.SafetyPollInterval;
            long nextTicks = Interlocked.Read(ref _nextDueTicks);
            if (nextTicks != long.MaxValue)
            {
                var untilDue = new DateTimeOffset(nextTicks, TimeSpan.Zero) - time.GetUtcNow();
                if (untilDue < wait) wait = untilDue;
            }
            await WaitAsync(wait, stoppingToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _signal.Dispose();

    private void NotifyQueuedQuietly(DateTimeOffset due)
    {
        long ticks = due.UtcTicks;
        long current;
        while (ticks < (current = Interlocked.Read(ref _nextDueTicks)))
        {
            if (Interlocked.CompareExchange(ref _nextDueTicks, ticks, current) == current) break;
        }
    }

    private async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero) return true;
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            return await _signal.WaitAsync(Timeout.InfiniteTimeSpan, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming tasks failed; retrying after the safety interval")]
    private partial void LogClaimFailed(Exception exception);
}
