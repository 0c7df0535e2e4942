using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;

namespace OpenClaw.Bench;

/// <summary>
/// Scenario <c>engine</c>: the pure state machine with in-memory state, no storage, no workers. Each execution of the
/// three-step chain is <c>Start</c> plus one <c>StepSucceeded</c> per step (the noop output is the step's inputs, as
/// the noop plugin returns). Measured twice: transitions alone, and transitions plus <c>TakeChange</c> (building the
/// rows the coordinator would commit), which is the engine's full share of a durable step.
/// </summary>
internal static class EngineBenchmark
{
    public static void Run(int executions)
    {
        var plan = Workflows.Chain3Plan();
        var engine = new WorkflowEngine(TimeProvider.System);
        var inputs = JsonSerializer.SerializeToElement(new { });

        foreach (bool takeChanges in new[] { false, true })
        {
            // Warm-up: let tiered JIT reach its optimised code before measuring.
            Measure(engine, plan, inputs, Math.Max(20_000, executions / 5), takeChanges);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            int gen0Before = GC.CollectionCount(0);
            var started = Stopwatch.GetTimestamp();
            var (perExecution, start, succeeded) = Measure(engine, plan, inputs, executions, takeChanges);
            var elapsed = Stopwatch.GetElapsedTime(started);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            int gen0 = GC.CollectionCount(0) - gen0Before;

            int steps = executions * Workflows.Chain3Steps;
            string label = takeChanges ? "transitions + TakeChange (rows built for commit)" : "transitions only";
            Console.WriteLine($"engine, {label}: {executions:N0} executions x {Workflows.Chain3Steps} steps in {elapsed.TotalSeconds:0.00} s");
            Console.WriteLine($"  per step (execution time / 3): {perExecution.Summarize(Workflows.Chain3Steps)}");
            Console.WriteLine($"  Start transition:              {start.Summarize()}");
            Console.WriteLine($"  StepSucceeded transition:      {succeeded.Summarize()}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  throughput: {steps / elapsed.TotalSeconds:N0} steps/s on one thread; allocated {allocated / (double)steps:N0} B/step; gen0 GCs {gen0}"));
        }
    }

    private static (Samples PerExecution, Samples Start, Samples Succeeded) Measure(
        WorkflowEngine engine, WorkflowPlan plan, JsonElement inputs, int executions, bool takeChanges)
    {
        var perExecution = new Samples(executions);
        var start = new Samples(executions);
        var succeeded = new Samples(executions * Workflows.Chain3Steps);
        var effects = new TransitionEffects();
        var now = DateTimeOffset.UtcNow;
        var attempt = new AttemptInfo(1, "bench", now, now);

        for (int i = 0; i < executions; i++)
        {
            var state = ExecutionState.CreateNew(Guid.NewGuid(), "default", Workflows.ChainId, 1, inputs, TaskPriority.Normal, "bench", null, now);
            long t0 = Stopwatch.GetTimestamp();
            effects.Clear();
            engine.Start(state, plan, effects);
            if (takeChanges) Commit(state);
            long t1 = Stopwatch.GetTimestamp();
            start.Add(t1 - t0);

            while (effects.Dispatch.Count > 0)
            {
                var run = effects.Dispatch[0];
                long s0 = Stopwatch.GetTimestamp();
                effects.Clear();
                engine.StepSucceeded(state, plan, run.Key, run.Inputs!.Value, attempt, effects);
                if (takeChanges) Commit(state);
                succeeded.Add(Stopwatch.GetTimestamp() - s0);
            }
            perExecution.Add(Stopwatch.GetTimestamp() - t0);
            if (state.Status != ExecutionStatus.Succeeded) throw new InvalidOperationException($"execution ended {state.Status}: {state.Error}");
        }
        return (perExecution, start, succeeded);
    }

    private static void Commit(ExecutionState state)
    {
        var change = state.TakeChange();
        if (change.Steps.Count == 0) throw new InvalidOperationException("a transition wrote no step rows");
        state.AcceptChange();
    }
}
