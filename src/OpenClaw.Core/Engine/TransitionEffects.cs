using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Engine;

/// <summary>
/// What a transition asks the runtime to do beyond writing rows: hand queued tasks to workers, stop running ones,
/// start or cancel child executions, and report that the execution finished.
/// </summary>
public sealed class TransitionEffects
{
    /// <summary>Plugin and delay tasks now queued (possibly due later).</summary>
    public List<StepRun> Dispatch { get; } = [];

    /// <summary>Tasks to stop wherever a worker runs them (their results will be ignored).</summary>
    public List<Guid> CancelTasks { get; } = [];

    public List<ChildExecutionStart> StartChildren { get; } = [];

    public List<Guid> CancelChildren { get; } = [];

    /// <summary>Set when the execution reached a terminal status in this transition.</summary>
    public ExecutionOutcome? Completed { get; internal set; }

    public void Clear()
    {
        Dispatch.Clear();
        CancelTasks.Clear();
        StartChildren.Clear();
        CancelChildren.Clear();
        Completed = null;
    }
}

/// <summary>A sub-workflow step asks for a child execution.</summary>
public sealed record ChildExecutionStart(Guid ChildExecutionId, string WorkflowId, int? Version, JsonNode? Inputs, string ParentStepKey);

/// <summary>How an execution ended.</summary>
public sealed record ExecutionOutcome(ExecutionStatus Status, JsonElement? Outputs, string? Error);
