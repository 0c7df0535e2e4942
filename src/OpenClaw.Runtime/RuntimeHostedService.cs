using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using OpenClaw.Runtime.Workers;

namespace OpenClaw.Runtime;

/// <summary>
/// Starts and stops the executor's loops in order. Start: recover interrupted steps and claim those already due, then
/// the coordinator, workers, dispatcher, heartbeats and reaper. Stop: stop claiming, let running steps finish for up to
/// <see cref="RuntimeOptions.DrainTimeout"/>, cancel the rest, commit what finished, and return our remaining leases
/// to the queue so other nodes (or the next start) pick them up at once.
/// </summary>
public sealed partial class RuntimeHostedService(
    ExecutionCoordinator coordinator, WorkerPool pool, WorkerLoop workers, TaskDispatcher dispatcher, LeaseKeeper leaseKeeper,
    LeaseExpiryReaper reaper, IEnumerable<IQueueSignal> signals, IExecutionStore store, RuntimeOptions options, TimeProvider time, ILogger<RuntimeHostedService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _claiming = new();
    private readonly CancellationTokenSource _working = new();
    private readonly CancellationTokenSource _committing = new();
    private Task _coordinatorLoop = Task.CompletedTask;
    private Task _workerLoops = Task.CompletedTask;
    private Task _background = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        options.Validate();
        if (options.RunReaper || options.RunWorkers) await reaper.RecoverAsync(cancellationToken).ConfigureAwait(false);
        _coordinatorLoop = Task.Run(() => coordinator.RunAsync(_committing.Token), CancellationToken.None);

        var background = new List<Task>();
        if (options.RunWorkers)
        {
            foreach (var signal in signals) signal.TaskQueued += dispatcher.NotifyQueued;

            // Claim before returning, not in the dispatcher's loop: a claim holds every free worker slot until it answers,
            // and one racing the first new executions would push their steps off the coordinator's fast path.
            await dispatcher.ClaimDueAsync(cancellationToken).ConfigureAwait(false);
            _workerLoops = workers.RunAsync(_working.Token);
            background.Add(Run(() => dispatcher.RunAsync(_claiming.Token)));
            background.Add(Run(() => leaseKeeper.RunAsync(_working.Token)));
        }
        else
        {
            pool.CompleteAdding();
        }
        if (options.RunReaper) background.Add(Run(() => reaper.RunAsync(_claiming.Token)));
        _background = Task.WhenAll(background);
        LogStarted(options.NodeId, options.RunWorkers ? options.WorkerConcurrency : 0);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _claiming.CancelAsync().ConfigureAwait(false);
        pool.CompleteAdding();
        var drained = await Task.WhenAny(_workerLoops, Task.Delay(options.DrainTimeout, time, cancellationToken)).ConfigureAwait(false) == _workerLoops;
        if (!drained) LogDrainTimedOut(pool.Busy);
        await _working.CancelAsync().ConfigureAwait(false);
        await Swallow(_workerLoops).ConfigureAwait(false);
        await Swallow(_background).ConfigureAwait(false);

        coordinator.Complete();
        var committed = await Task.WhenAny(_coordinatorLoop, Task.Delay(TimeSpan.FromSeconds(10), time, CancellationToken.None)).ConfigureAwait(false) == _coordinatorLoop;
        if (!committed) await _committing.CancelAsync().ConfigureAwait(false);
        await Swallow(_coordinatorLoop).ConfigureAwait(false);

        try
        {
            int released = await store.RequeueExpiredAsync(time.GetUtcNow(), [options.NodeId], CancellationToken.None).ConfigureAwait(false);
            LogStopped(released);
        }
        catch (Exception ex)
        {
            LogReleaseFailed(ex);
        }
    }

    public void Dispose()
    {
        _claiming.Dispose();
        _working.Dispose();
        _committing.Dispose();
    }

    private static Task Run(Func<Task> loop) => Task.Run(loop, CancellationToken.None);

    private static async Task Swallow(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected on shutdown.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Executor started as node {NodeId} with {Workers} workers")]
    private partial void LogStarted(string nodeId, int workers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Busy} steps still running after the drain timeout; cancelling them")]
    private partial void LogDrainTimedOut(int busy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Executor stopped; {Released} unfinished steps returned to the queue")]
    private partial void LogStopped(int released);

    [LoggerMessage(Level = LogLevel.Error, Message = "Returning leases to the queue failed; they will expire instead")]
    private partial void LogReleaseFailed(Exception exception);
}
