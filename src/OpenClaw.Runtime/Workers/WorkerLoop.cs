using Microsoft.Extensions.Logging;
using OpenClaw.Core.Engine;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Runtime.Workers;

/// <summary>The worker loops: take a claimed task, run it, report the result to the coordinator.</summary>
public sealed partial class WorkerLoop(
    WorkerPool pool, StepExecutor executor, ExecutionCoordinator coordinator, TaskDispatcher dispatcher, RuntimeOptions options,
    TimeProvider time, ILogger<WorkerLoop> logger)
{
    internal Task RunAsync(CancellationToken stoppingToken)
    {
        var loops = new Task[options.WorkerConcurrency];
        for (int i = 0; i < loops.Length; i++) loops[i] = Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None);
        return Task.WhenAll(loops);
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        await foreach (var task in pool.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var started = time.GetUtcNow();
            StepExecutor.Result? result = null;
            using (var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                pool.Register(task.Step.Id, cancellation);
                try
                {
                    result = await executor.ExecuteAsync(task.Step, cancellation.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Cancelled execution, lost lease or shutdown: no result. On shutdown the lease is released so the
                    // step runs again elsewhere; otherwise the engine has already settled it.
                    LogAbandoned(task.Step.StepKey, task.Step.ExecutionId);
                }
                catch (Exception ex)
                {
                    LogWorkerFailed(ex, task.Step.StepKey, task.Step.ExecutionId);
                }
                finally
                {
                    pool.Unregister(task.Step.Id);
                }
            }

            // Free the slot before reporting: the coordinator may apply the result at once, and the step's successors
            // can then go straight to this worker instead of through the queue.
            pool.Release();
            dispatcher.CapacityFreed();
            if (result is { } r)
                coordinator.Report(task, r.Output, r.Failure, new AttemptInfo(task.Step.Attempt, options.NodeId, started, time.GetUtcNow(), r.Logs));
            else
                pool.LetGo(task.Step.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Step {StepKey} of execution {ExecutionId} stopped before finishing")]
    private partial void LogAbandoned(string stepKey, Guid executionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker failed running step {StepKey} of execution {ExecutionId}")]
    private partial void LogWorkerFailed(Exception exception, string stepKey, Guid executionId);
}
