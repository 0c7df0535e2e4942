using Microsoft.Extensions.Logging;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Runtime.Workers;

/// <summary>
/// Claims due tasks from the queue when workers have room. It sleeps until something can be due: the earliest known
/// <c>run_at</c>, a freed worker after it ran out of room, or a slow safety poll, so an idle system sends almost no
/// queries.
/// </summary>
/// <remarks>
/// A claim reserves every free worker slot until the database answers, and while it does the coordinator cannot
/// hand new steps straight to local workers (its fast path). So the dispatcher claims only when a task can be due:
/// a wake-up for a task due later merely shortens its sleep.
/// </remarks>
public sealed partial class TaskDispatcher(
    IExecutionStore store, WorkerPool workers, ExecutionEventHub events, RuntimeOptions options, TimeProvider time, ILogger<TaskDispatcher> logger) : IDisposable
{
    private readonly AsyncSignal _signal = new();

    // The earliest run_at of a queued task this node knows of; long.MaxValue when none.
    private long _nextDueTicks = long.MaxValue;
    private int _starved;
    private DateTimeOffset _lastClaim;

    /// <summary>Tells the dispatcher a task is queued, due at <paramref name="due"/>.</summary>
    public void NotifyQueued(DateTimeOffset due)
    {
        LowerNextDue(due);
        _signal.Set();
    }

    /// <summary>A worker slot was freed; wakes the dispatcher only if it stopped claiming for lack of room.</summary>
    public void CapacityFreed()
    {
        if (Interlocked.Exchange(ref _starved, 0) == 1) NotifyQueued(DateTimeOffset.MinValue);
    }

    /// <summary>
    /// Claims every due task the free workers can take. The host calls it once before accepting work, so tasks
    /// recovered from a previous run are handed out before new executions compete for the workers.
    /// </summary>
    internal async Task ClaimDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _lastClaim = now;
        Volatile.Write(ref _starved, 0);
        int reserved = workers.Reserve(workers.Available);
        if (reserved == 0)
        {
            Volatile.Write(ref _starved, 1);
            return;
        }

        IReadOnlyList<ClaimedTask> claimed;
        try
        {
            claimed = await store.ClaimAsync(options.NodeId, reserved, now, options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            workers.Release(reserved);
            throw;
        }
        workers.Release(reserved - claimed.Count);
        foreach (var task in claimed)
        {
            // The claim is committed: watchers see the step start, as they do for steps the coordinator leases itself.
            if (events.HasSubscribers) events.Publish(new StepChangedEvent(task.Step.ExecutionId, task.Step));
            workers.Enqueue(task);
        }

        if (claimed.Count == reserved)
        {
            // The queue may hold more: claim again as soon as a worker frees up (or at once if one already has).
            Volatile.Write(ref _starved, 1);
            if (workers.Available > 0) LowerNextDue(now);
        }
        else if (await store.NextDueAsync(cancellationToken).ConfigureAwait(false) is { } due)
        {
            // Possibly already due: queued after the claim looked. Then the loop claims again straight away.
            LowerNextDue(due);
        }
    }

    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            bool room = HasRoom();
            if (room && (TakeDue(now) || now - _lastClaim >= options.SafetyPollInterval))
            {
                try
                {
                    await ClaimDueAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogClaimFailed(ex);
                    await WaitAsync(options.SafetyPollInterval, stoppingToken).ConfigureAwait(false);
                }
                continue;
            }

            // Without room only a freed worker (or the safety poll) can help; with room, also the next due task.
            var wait = room ? _lastClaim + options.SafetyPollInterval - now : options.SafetyPollInterval;
            long nextTicks = Interlocked.Read(ref _nextDueTicks);
            if (room && nextTicks != long.MaxValue)
            {
                var untilDue = new DateTimeOffset(nextTicks, TimeSpan.Zero) - now;
                if (untilDue < wait) wait = untilDue;
            }
            await WaitAsync(wait, stoppingToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _signal.Dispose();

    private bool HasRoom()
    {
        if (workers.Available > 0) return true;
        Volatile.Write(ref _starved, 1);

        // A slot freed between the check and the flag did not signal: look once more.
        return workers.Available > 0;
    }

    /// <summary>Consumes the known next due time if it has come.</summary>
    private bool TakeDue(DateTimeOffset now)
    {
        long current;
        while ((current = Interlocked.Read(ref _nextDueTicks)) <= now.UtcTicks)
        {
            if (Interlocked.CompareExchange(ref _nextDueTicks, long.MaxValue, current) == current) return true;
        }
        return false;
    }

    private void LowerNextDue(DateTimeOffset due)
    {
        long ticks = due.UtcTicks;
        long current;
        while (ticks < (current = Interlocked.Read(ref _nextDueTicks)))
        {
            if (Interlocked.CompareExchange(ref _nextDueTicks, ticks, current) == current) break;
        }
    }

    private async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero) return;
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _signal.WaitAsync(Timeout.InfiniteTimeSpan, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: time to look at the queue again.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming tasks failed; retrying after the safety interval")]
    private partial void LogClaimFailed(Exception exception);
}
