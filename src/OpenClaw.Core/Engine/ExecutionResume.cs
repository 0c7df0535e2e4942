using System.Text.Json;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Engine;

/// <summary>
/// Resumes a failed or cancelled execution from the steps that stopped it: the failed plugin and delay steps (the
/// dead letters) and every step cancelled on the way down run again as a new attempt; the loops and parallel steps
/// that failed or were cancelled above them wait again. Steps that succeeded keep their outputs.
/// </summary>
/// <remarks>
/// Works on the stored rows, then rebuilds the working copy from them, so scope progress (which iterations and
/// branches are open) is derived exactly as after a restart. Condition and sub-workflow steps that failed or were
/// cancelled cannot be re-entered (a condition's choice and a child execution are history): such an execution is
/// refused with <see cref="ExecutionNotResumableException"/> and can only be retried from the start.
/// </remarks>
internal static class ExecutionResume
{
    public static ExecutionState Apply(
        ExecutionSnapshot snapshot, WorkflowPlan plan, IReadOnlyDictionary<string, JsonElement>? replacedInputs, DateTimeOffset now,
        TransitionEffects effects)
    {
        var e = snapshot.Execution;
        if (e.Status is not (ExecutionStatus.Failed or ExecutionStatus.Cancelled))
            throw new ExecutionNotResumableException($"Execution {e.Id} is {e.Status.ToWire()}; only failed or cancelled executions can be resumed.");
        if (e.ParentExecutionId is not null)
            throw new ExecutionNotResumableException($"Execution {e.Id} is a sub-workflow run; resume its parent execution {e.ParentExecutionId} instead.");

        var rows = new List<StepRunRecord>(snapshot.Steps.Count);
        var requeued = new List<string>();
        var reopened = new List<string>();
        foreach (var step in snapshot.Steps)
        {
            bool stopped = step.Status == StepRunStatus.Cancelled || (step.Status == StepRunStatus.Failed && step.Next.Count == 0);
            if (!stopped)
            {
                rows.Add(step);
                continue;
            }
            var type = StepTypeNames.Parse(step.StepType);
            switch (type)
            {
                case StepType.Plugin or StepType.Delay:
                    JsonElement? inputs = replacedInputs is not null && replacedInputs.TryGetValue(step.StepKey, out var replaced) ? replaced : step.Inputs;
                    // A new attempt number: a result still on its way for the old attempt is then recognised as stale.
                    rows.Add(step with
                    {
                        Status = StepRunStatus.Queued, Inputs = inputs, Error = null, Attempt = step.Attempt + 1, RunAt = DueAt(type, inputs, now),
                        LeaseOwner = null, LeaseExpiresAt = null, CompletedAt = null,
                    });
                    requeued.Add(step.StepKey);
                    break;
                case StepType.Loop or StepType.Parallel:
                    rows.Add(step with { Status = StepRunStatus.Waiting, Error = null, CompletedAt = null });
                    reopened.Add(step.StepKey);
                    break;
                default:
                    throw new ExecutionNotResumableException(
                        $"Step '{step.StepKey}' ({step.StepType}) was {step.Status.ToWire()} and cannot run again; retry the execution from the start.");
            }
        }
        if (replacedInputs is not null)
        {
            foreach (var key in replacedInputs.Keys.Where(k => !requeued.Contains(k, StringComparer.Ordinal)))
                throw new ExecutionNotResumableException($"Step '{key}' is not a failed plugin or delay step of execution {e.Id}.");
        }
        if (requeued.Count == 0)
            throw new ExecutionNotResumableException($"Execution {e.Id} has no failed or cancelled step to resume from; retry it from the start.");

        var running = e with { Status = ExecutionStatus.Running, Outputs = null, Error = null, CompletedAt = null };
        var state = ExecutionState.Load(new ExecutionSnapshot(running, rows), plan);
        state.MarkChanged();
        foreach (var key in reopened) state.MarkDirty(Run(state, key));
        foreach (var key in requeued)
        {
            var run = Run(state, key);
            state.MarkDirty(run);
            effects.Dispatch.Add(run);
        }
        return state;
    }

    /// <summary>A plugin step runs at once; a delay waits until its <c>until</c> if that is still ahead.</summary>
    private static DateTimeOffset DueAt(StepType type, JsonElement? inputs, DateTimeOffset now) =>
        type == StepType.Delay && inputs is { ValueKind: JsonValueKind.Object } i && i.TryGetProperty("until", out var until)
            && until.ValueKind == JsonValueKind.String && until.TryGetDateTimeOffset(out var at) && at > now
            ? at
            : now;

    private static StepRun Run(ExecutionState state, string key) =>
        state.TryGetRun(key, out var run) ? run : throw new InvalidOperationException($"No step instance '{key}'.");
}

/// <summary>An execution cannot be resumed from its failed steps (wrong status, or a step that cannot run again).</summary>
public sealed class ExecutionNotResumableException(string message) : Exception(message);
