using System.Collections.Concurrent;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Server.Observability;

/// <summary>
/// The spec's business and custom execution metrics, fed by the committed events of <see cref="ExecutionEventHub"/>:
/// finished workflows, settled tasks, plugin use and success rate, workflow durations.
/// </summary>
/// <remarks>
/// Counts what this process committed, as Prometheus expects of a process's counters; with several processes on
/// PostgreSQL, sum over instances. <see cref="Observe"/> is called by one reader at a time (the listener's loop).
/// </remarks>
internal sealed class ExecutionMetrics
{
    /// <summary>Upper bounds in seconds, from 10 ms to an hour: workflows range from a webhook reply to long waits.</summary>
    public static readonly double[] DurationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

    // A step or execution row may be published again after it settled (e.g. an execution already failed while its
    // other steps are cancelled in a later commit); remembering recent ones keeps each outcome counted once.
    private readonly RecentSet<Guid> _finishedExecutions = new(16_384);
    private readonly RecentSet<(Guid Step, StepRunStatus Status, int Attempt)> _settledSteps = new(65_536);
    private readonly ConcurrentDictionary<string, PluginOutcomes> _plugins = new(StringComparer.Ordinal);

    public CounterFamily WorkflowsExecuted { get; } = new("workflows_executed_total", "Workflow executions that finished, by workflow id and final status (succeeded, failed, cancelled).", "workflow", "status");

    public CounterFamily TasksProcessed { get; } = new("tasks_processed_total", "Tasks (step instances) that settled, by final status (succeeded, failed, skipped, cancelled).", "status");

    public HistogramFamily TaskDuration { get; } = new("openclaw_task_duration_seconds", "Time one attempt of a step took, from its start to its settling, in seconds, by final status.", DurationBuckets, "status");

    public HistogramFamily WorkflowDuration { get; } = new("workflow_execution_duration_seconds", "Time from an execution's start to its finish, in seconds, by workflow id.", DurationBuckets, "workflow");

    public void Observe(ExecutionEvent @event)
    {
        switch (@event)
        {
            case ExecutionFinishedEvent { Execution: var execution } when execution.Status.IsTerminal():
                if (!_finishedExecutions.Add(execution.Id)) return;
                WorkflowsExecuted.Increment(execution.WorkflowId, execution.Status.ToWire());
                if (execution.CompletedAt is { } completed)
                    WorkflowDuration.Observe(Math.Max(0, (completed - (execution.StartedAt ?? execution.CreatedAt)).TotalSeconds), execution.WorkflowId);
                break;
            case StepChangedEvent { Step: var step } when step.Status.IsTerminal():
                if (!_settledSteps.Add((step.Id, step.Status, step.Attempt))) return;
                TasksProcessed.Increment(step.Status.ToWire());
                if (step is { StartedAt: { } started, CompletedAt: { } settled })
                    TaskDuration.Observe(Math.Max(0, (settled - started).TotalSeconds), step.Status.ToWire());
                if (step.PluginName is { } plugin && step.Status is StepRunStatus.Succeeded or StepRunStatus.Failed)
                {
                    var outcomes = _plugins.GetOrAdd(plugin, _ => new PluginOutcomes());
                    if (step.Status == StepRunStatus.Succeeded) Interlocked.Increment(ref outcomes.Succeeded);
                    else Interlocked.Increment(ref outcomes.Failed);
                }
                break;
        }
    }

    public void Write(PrometheusTextWriter writer)
    {
        WorkflowsExecuted.Write(writer);
        TasksProcessed.Write(writer);
        var plugins = _plugins.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (Plugin: p.Key, Succeeded: Interlocked.Read(ref p.Value.Succeeded), Failed: Interlocked.Read(ref p.Value.Failed)))
            .ToList();
        writer.Family("plugin_usage_total", "counter", "Plugin steps that ran to an outcome (succeeded or failed), by plugin.");
        foreach (var p in plugins) writer.Sample("plugin_usage_total", p.Succeeded + p.Failed, ("plugin", p.Plugin));
        WorkflowDuration.Write(writer);
        TaskDuration.Write(writer);
        writer.Family("plugin_execution_success_rate", "gauge", "Share of plugin steps that succeeded, succeeded / (succeeded + failed), since this process started, by plugin (0 to 1).");
        foreach (var p in plugins)
        {
            if (p.Succeeded + p.Failed > 0) writer.Sample("plugin_execution_success_rate", (double)p.Succeeded / (p.Succeeded + p.Failed), ("plugin", p.Plugin));
        }
    }

    private sealed class PluginOutcomes
    {
        public long Succeeded;
        public long Failed;
    }
}

/// <summary>Subscribes to every committed execution event from start to stop and feeds <see cref="ExecutionMetrics"/>.</summary>
/// <remarks>
/// Registered before the runtime's hosted service so that the subscription exists before the first execution runs.
/// The hub drops the oldest events of a subscriber that falls behind; the large buffer makes that unlikely, since
/// observing an event is a few dictionary operations.
/// </remarks>
internal sealed class ExecutionMetricsListener(ExecutionEventHub hub, ExecutionMetrics metrics, ILogger<ExecutionMetricsListener> logger) : IHostedService
{
    private ExecutionEventHub.Subscription? _subscription;
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = hub.Subscribe(executionId: null, capacity: 65_536);
        _loop = Task.Run(() => ReadAsync(_subscription), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Disposing completes the reader, which ends the loop once the buffered events are counted.
        _subscription?.Dispose();
        if (_loop is not null) await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadAsync(ExecutionEventHub.Subscription subscription)
    {
        await foreach (var @event in subscription.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                metrics.Observe(@event);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Counting execution event {EventType} of execution {ExecutionId} failed", @event.GetType().Name, @event.ExecutionId);
            }
        }
    }
}
