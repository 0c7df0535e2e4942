namespace OpenClaw.Core.Storage;

/// <summary>The life of a workflow execution.</summary>
public enum ExecutionStatus
{
    /// <summary>Created; no step has started yet.</summary>
    Pending,

    /// <summary>At least one step has been scheduled.</summary>
    Running,

    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>The life of one step instance (a row of the <c>tasks</c> table).</summary>
public enum StepRunStatus
{
    /// <summary>Waiting in the queue for a worker (possibly until <c>run_at</c>: a delay or a retry backoff).</summary>
    Queued,

    /// <summary>Claimed by a worker under a lease.</summary>
    Running,

    /// <summary>A container (loop, parallel, sub-workflow) waiting for what it started.</summary>
    Waiting,

    Succeeded,
    Failed,

    /// <summary>Not run because no incoming edge was taken (a condition chose another branch).</summary>
    Skipped,

    Cancelled,
}

/// <summary>Status helpers.</summary>
public static class StatusExtensions
{
    /// <summary>Whether an execution can no longer change.</summary>
    public static bool IsTerminal(this ExecutionStatus status) =>
        status is ExecutionStatus.Succeeded or ExecutionStatus.Failed or ExecutionStatus.Cancelled;

    /// <summary>Whether a step instance has settled (its successors may be decided).</summary>
    public static bool IsTerminal(this StepRunStatus status) =>
        status is StepRunStatus.Succeeded or StepRunStatus.Failed or StepRunStatus.Skipped or StepRunStatus.Cancelled;

    /// <summary>Lower-case name as stored in the database and shown by the API.</summary>
    public static string ToWire(this ExecutionStatus status) => status switch
    {
        ExecutionStatus.Pending => "pending",
        ExecutionStatus.Running => "running",
        ExecutionStatus.Succeeded => "succeeded",
        ExecutionStatus.Failed => "failed",
        ExecutionStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Lower-case name as stored in the database and shown by the API.</summary>
    public static string ToWire(this StepRunStatus status) => status switch
    {
        StepRunStatus.Queued => "queued",
        StepRunStatus.Running => "running",
        StepRunStatus.Waiting => "waiting",
        StepRunStatus.Succeeded => "succeeded",
        StepRunStatus.Failed => "failed",
        StepRunStatus.Skipped => "skipped",
        StepRunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses <see cref="ToWire(ExecutionStatus)"/>.</summary>
    public static ExecutionStatus ParseExecutionStatus(string value) => value switch
    {
        "pending" => ExecutionStatus.Pending,
        "running" => ExecutionStatus.Running,
        "succeeded" => ExecutionStatus.Succeeded,
        "failed" => ExecutionStatus.Failed,
        "cancelled" => ExecutionStatus.Cancelled,
        _ => throw new FormatException($"Unknown execution status '{value}'."),
    };

    /// <summary>Parses <see cref="ToWire(StepRunStatus)"/>.</summary>
    public static StepRunStatus ParseStepRunStatus(string value) => value switch
    {
        "queued" => StepRunStatus.Queued,
        "running" => StepRunStatus.Running,
        "waiting" => StepRunStatus.Waiting,
        "succeeded" => StepRunStatus.Succeeded,
        "failed" => StepRunStatus.Failed,
        "skipped" => StepRunStatus.Skipped,
        "cancelled" => StepRunStatus.Cancelled,
        _ => throw new FormatException($"Unknown step status '{value}'."),
    };
}
