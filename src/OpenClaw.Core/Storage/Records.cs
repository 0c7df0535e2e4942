using System.Text.Json;

namespace OpenClaw.Core.Storage;

/// <summary>A stored workflow: its current definition and status (the <c>workflows</c> table).</summary>
/// <param name="Definition">The definition as JSON text (YAML is converted on save; the original text is kept in <paramref name="Source"/>).</param>
/// <param name="Source">The text the author submitted, in its own format, so editors can round-trip comments and layout.</param>
/// <param name="Status"><c>draft</c>, <c>published</c> or <c>archived</c>.</param>
/// <param name="Version">Increments on every update; each version is kept immutable in <c>workflow_versions</c>.</param>
public sealed record WorkflowRecord(
    string Id,
    string TenantId,
    string Name,
    string? Description,
    string Definition,
    string Source,
    string Status,
    int Version,
    Guid? OwnerId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The published version: what starts that name no version run. Null until the first publish, when the latest
    /// version runs. Set by <see cref="IWorkflowStore.PublishAsync"/> only; create and update ignore the value given.
    /// </summary>
    public int? PublishedVersion { get; init; }

    /// <summary>Who saved this version (a user, API key or client id), when known.</summary>
    public string? Author { get; init; }
}

/// <summary>One saved version of a workflow as the version history lists it (definition omitted).</summary>
/// <param name="Author">Who saved it, when known.</param>
public sealed record WorkflowVersionRecord(
    string WorkflowId,
    string TenantId,
    int Version,
    string Name,
    string? Description,
    string? Author,
    DateTimeOffset CreatedAt);

/// <summary>A workflow execution (the <c>workflow_executions</c> table) with its variables.</summary>
/// <param name="Revision">Optimistic-concurrency counter: every committed transition increments it.</param>
/// <param name="ParentExecutionId">For a sub-workflow run: the execution that started it.</param>
/// <param name="ParentStepKey">For a sub-workflow run: the parent's step instance waiting for it.</param>
/// <param name="Trigger">What started it: <c>api</c>, <c>cli</c>, <c>webhook</c>, <c>schedule</c>, <c>subworkflow</c>, <c>manual</c>.</param>
public sealed record ExecutionRecord(
    Guid Id,
    string TenantId,
    string WorkflowId,
    int WorkflowVersion,
    ExecutionStatus Status,
    JsonElement Inputs,
    JsonElement? Outputs,
    string? Error,
    JsonElement Vars,
    TaskPriority Priority,
    Guid? ParentExecutionId,
    string? ParentStepKey,
    string Trigger,
    Guid? CreatedBy,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>
    /// The W3C <c>traceparent</c> of the trace the execution belongs to (the request or schedule that started it), so
    /// its steps, wherever and whenever they run, continue that trace. Written when the execution is created.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>For a retry from the start: the execution it repeats. Written in the commit that creates it.</summary>
    public Guid? RetryOf { get; init; }
}

/// <summary>
/// One step instance (a row of the <c>tasks</c> table): a plugin call, a delay, a condition decision, or a container.
/// The same row is the queue entry while it waits for a worker.
/// </summary>
/// <param name="StepKey">The instance's path, unique in its execution: <c>fetch</c>, <c>each[3]/fetch</c>, <c>fan.a/x</c>.</param>
/// <param name="ScopeKey">The scope instance it belongs to: empty at top level, <c>each[3]</c> inside iteration 3 of loop <c>each</c>.</param>
/// <param name="PluginName">For plugin steps, the plugin called.</param>
/// <param name="Next">The successors this step chose when it settled (the edges taken).</param>
/// <param name="State">Container bookkeeping (loop progress, child execution id), as JSON.</param>
/// <param name="Attempt">The current attempt, from 1.</param>
/// <param name="RunAt">When the queued task becomes due (delays and retry backoff).</param>
/// <param name="IdempotencyKey">Stable across attempts; handed to plugins.</param>
public sealed record StepRunRecord(
    Guid Id,
    Guid ExecutionId,
    string TenantId,
    string StepKey,
    string StepId,
    string ScopeKey,
    string StepType,
    string? PluginName,
    StepRunStatus Status,
    JsonElement? Inputs,
    JsonElement? Outputs,
    string? Error,
    IReadOnlyList<string> Next,
    JsonElement? State,
    int Attempt,
    TaskPriority Priority,
    DateTimeOffset RunAt,
    string? LeaseOwner,
    DateTimeOffset? LeaseExpiresAt,
    string IdempotencyKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>The queue the task waits in: its workflow's <c>queue</c>. A paused queue's tasks are not claimed.</summary>
    public string Queue { get; init; } = "default";

    /// <summary>
    /// The concurrency limits the task's execution must be admitted under before it runs (set only on tasks queued
    /// before the execution holds a slot), or null.
    /// </summary>
    public ConcurrencyGate? Gate { get; init; }
}

/// <summary>One attempt of a step (the <c>task_attempts</c> table): the history behind retries.</summary>
public sealed record StepAttemptRecord(
    Guid TaskId,
    Guid ExecutionId,
    int Attempt,
    StepRunStatus Status,
    JsonElement? Inputs,
    JsonElement? Outputs,
    string? Error,
    string? WorkerId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    JsonElement? Logs = null);

/// <summary>An execution as it is stored: its row and every step instance.</summary>
public sealed record ExecutionSnapshot(ExecutionRecord Execution, IReadOnlyList<StepRunRecord> Steps);

/// <summary>A task handed to a worker under a lease.</summary>
public sealed record ClaimedTask(StepRunRecord Step, string LeaseOwner, DateTimeOffset LeaseExpiresAt)
{
    /// <summary>
    /// The rows a claim marked running, in queue order (priority, then due time, then enqueue order <c>seq</c>): a
    /// backend's <c>UPDATE ... RETURNING</c> gives them in no particular order.
    /// </summary>
    public static ClaimedTask[] InQueueOrder(List<(StepRunRecord Step, long Seq)> claimed, string owner, DateTimeOffset expires)
    {
        claimed.Sort(static (a, b) =>
        {
            var order = b.Step.Priority.CompareTo(a.Step.Priority);
            if (order == 0) order = a.Step.RunAt.CompareTo(b.Step.RunAt);
            return order != 0 ? order : a.Seq.CompareTo(b.Seq);
        });
        var result = new ClaimedTask[claimed.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new ClaimedTask(claimed[i].Step, owner, claimed[i].Step.LeaseExpiresAt ?? expires);
        }
        return result;
    }
}
