using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Engine;
using OpenClaw.Runtime.Execution;
using OpenClaw.Runtime.Telemetry;

namespace OpenClaw.Runtime.Workers;

/// <summary>The worker loops: take a claimed task, run it, report the result to the coordinator.</summary>
public sealed partial class WorkerLoop(
    WorkerPool pool, StepExecutor executor, ExecutionCoordinator coordinator, TaskDispatcher dispatcher, ExecutionContextCache contexts,
    RuntimeOptions options, TimeProvider time, ILogger<WorkerLoop> logger)
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
            var step = task.Step;
            var context = await FindContextAsync(step.ExecutionId).ConfigureAwait(false);
            // Everything logged while the step runs (plugins included) carries these; the JSON console log lifts them to top-level fields.
            using var scope = logger.BeginScope(new Dictionary<string, object?>
            {
                ["workflow_id"] = context?.WorkflowId,
                ["execution_id"] = step.ExecutionId,
                ["step"] = step.StepKey,
                ["attempt"] = step.Attempt,
            });
            using var activity = OpenClawTelemetry.Source.StartActivity(
                "step " + step.StepId, ActivityKind.Internal, OpenClawTelemetry.ParentOf(context?.TraceParent));
            activity?.SetTag("openclaw.workflow.id", context?.WorkflowId);
            activity?.SetTag("openclaw.execution.id", step.ExecutionId.ToString());
            activity?.SetTag("openclaw.step.key", step.StepKey);
            activity?.SetTag("openclaw.step.attempt", step.Attempt);
            if (step.PluginName is not null) activity?.SetTag("openclaw.plugin", step.PluginName);
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

            var elapsed = Math.Round((time.GetUtcNow() - started).TotalMilliseconds, 3);
            if (result is { Failure: { } failure })
            {
                activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
                LogStepFailed(step.StepKey, elapsed, failure.Message);
            }
            else if (result is not null)
            {
                LogStepSucceeded(step.StepKey, elapsed);
            }
            activity?.Stop();

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

    /// <summary>The execution's workflow and trace; a failure to find them costs the step its log fields and parent span, never its run.</summary>
    private async ValueTask<ExecutionContextInfo?> FindContextAsync(Guid executionId)
    {
        try
        {
            return await contexts.GetAsync(executionId).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogContextUnavailable(ex, executionId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Step {StepKey} succeeded in {ExecutionTime} ms")]
    private partial void LogStepSucceeded(string stepKey, double executionTime);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Step {StepKey} failed in {ExecutionTime} ms: {Error}")]
    private partial void LogStepFailed(string stepKey, double executionTime, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The context of execution {ExecutionId} could not be read; its step runs without trace parent and workflow id")]
    private partial void LogContextUnavailable(Exception exception, Guid executionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Step {StepKey} of execution {ExecutionId} stopped before finishing")]
    private partial void LogAbandoned(string stepKey, Guid executionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker failed running step {StepKey} of execution {ExecutionId}")]
    private partial void LogWorkerFailed(Exception exception, string stepKey, Guid executionId);
}
