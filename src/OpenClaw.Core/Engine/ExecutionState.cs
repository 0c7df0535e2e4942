using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Engine;

/// <summary>
/// The engine's working copy of one execution: its row, every step instance and the scope instances derived from
/// them. Transitions mutate it and record what changed; <see cref="TakeChange"/> turns that into the rows to commit.
/// Not thread-safe: one transition at a time.
/// </summary>
public sealed class ExecutionState
{
    private readonly Dictionary<string, StepRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ScopeInstance> _scopes = new(StringComparer.Ordinal);
    private readonly HashSet<StepRun> _dirty = [];
    private readonly List<StepAttemptRecord> _attempts = [];
    private long? _storedRevision;

    private ExecutionState(Guid id, string tenantId, string workflowId, int workflowVersion)
    {
        Id = id;
        TenantId = tenantId;
        WorkflowId = workflowId;
        WorkflowVersion = workflowVersion;
        _scopes[""] = new ScopeInstance("", WorkflowPlan.TopScopeId, null, null, -1, null);
    }

    public Guid Id { get; }

    public string TenantId { get; }

    public string WorkflowId { get; }

    public int WorkflowVersion { get; }

    public ExecutionStatus Status { get; internal set; }

    public JsonElement Inputs { get; private init; }

    public JsonElement? Outputs { get; internal set; }

    public string? Error { get; internal set; }

    /// <summary>Execution variables: initialised from the definition's <c>vars</c>, assigned by steps' <c>set</c>.</summary>
    public JsonObject Vars { get; internal set; } = [];

    public TaskPriority Priority { get; private init; }

    public Guid? ParentExecutionId { get; private init; }

    public string? ParentStepKey { get; private init; }

    public string Trigger { get; private init; } = "api";

    public Guid? CreatedBy { get; private init; }

    public long Revision { get; private set; }

    public DateTimeOffset CreatedAt { get; private init; }

    public DateTimeOffset? StartedAt { get; internal set; }

    public DateTimeOffset? CompletedAt { get; internal set; }

    /// <summary>The queue its tasks wait in (the workflow's <c>queue</c>); set by the runtime from the plan.</summary>
    public string Queue { get; set; } = Definitions.WorkflowDefinition.DefaultQueue;

    /// <summary>The concurrency limits the execution runs under, or null; set by the runtime.</summary>
    public ConcurrencyGate? Limits { get; set; }

    /// <summary>
    /// Whether the execution holds its concurrency slot (one of its tasks was claimed). Until then the tasks it queues
    /// carry <see cref="Limits"/> as their gate, and only the claim may start them.
    /// </summary>
    public bool Admitted { get; set; }

    /// <summary>The gate written on tasks queued now.</summary>
    public ConcurrencyGate? Gate => Admitted ? null : Limits;

    /// <summary>The W3C traceparent its steps continue (see <see cref="ExecutionRecord.TraceParent"/>).</summary>
    public string? TraceParent { get; init; }

    /// <summary>The execution this one repeats from the start (see <see cref="ExecutionRecord.RetryOf"/>).</summary>
    public Guid? RetryOf { get; init; }

    /// <summary>Whether anything changed since the last <see cref="TakeChange"/>.</summary>
    public bool HasChanges { get; private set; }

    public IReadOnlyCollection<StepRun> Runs => _runs.Values;

    /// <summary>A new execution, not yet stored.</summary>
    public static ExecutionState CreateNew(
        Guid id, string tenantId, string workflowId, int workflowVersion, JsonElement inputs, TaskPriority priority,
        string trigger, Guid? createdBy, DateTimeOffset now, Guid? parentExecutionId = null, string? parentStepKey = null,
        string? traceParent = null, Guid? retryOf = null) =>
        new(id, tenantId, workflowId, workflowVersion)
        {
            TraceParent = traceParent,
            RetryOf = retryOf,
            Status = ExecutionStatus.Pending,
            Inputs = inputs,
            Priority = priority,
            Trigger = trigger,
            CreatedBy = createdBy,
            CreatedAt = now,
            ParentExecutionId = parentExecutionId,
            ParentStepKey = parentStepKey,
            HasChanges = true,
        };

    /// <summary>Rebuilds the working copy from stored rows.</summary>
    public static ExecutionState Load(ExecutionSnapshot snapshot, WorkflowPlan plan)
    {
        var e = snapshot.Execution;
        var state = new ExecutionState(e.Id, e.TenantId, e.WorkflowId, e.WorkflowVersion)
        {
            Status = e.Status,
            Inputs = e.Inputs,
            Outputs = e.Outputs,
            Error = e.Error,
            Vars = e.Vars.ValueKind == JsonValueKind.Object ? (JsonObject)JsonNode.Parse(e.Vars.GetRawText())! : [],
            Priority = e.Priority,
            ParentExecutionId = e.ParentExecutionId,
            ParentStepKey = e.ParentStepKey,
            Trigger = e.Trigger,
            CreatedBy = e.CreatedBy,
            Revision = e.Revision,
            CreatedAt = e.CreatedAt,
            StartedAt = e.StartedAt,
            CompletedAt = e.CompletedAt,
            TraceParent = e.TraceParent,
            RetryOf = e.RetryOf,
            _storedRevision = e.Revision,
        };

        // Containers first, so every scope's parent is known before its steps are counted.
        foreach (var record in snapshot.Steps.OrderBy(s => s.StepKey.Length))
        {
            var run = StepRun.FromRecord(record);
            state._runs[run.Key] = run;
        }
        foreach (var run in state._runs.Values.OrderBy(r => r.Key.Length))
        {
            var scope = state.EnsureScope(run.ScopeKey);
            if (run.Status.IsTerminal()) scope.Settled++;
        }
        state.RestoreScopeProgress(plan);
        return state;
    }

    public bool TryGetRun(string key, out StepRun run) => _runs.TryGetValue(key, out run!);

    public bool TryGetScope(string key, out ScopeInstance scope) => _scopes.TryGetValue(key, out scope!);

    internal ScopeInstance Scope(string key) => _scopes[key];

    internal IEnumerable<ScopeInstance> Scopes => _scopes.Values;

    internal StepRun AddRun(PlannedStep step, ScopeInstance scope, DateTimeOffset now)
    {
        var key = scope.StepKey(step.Id);
        // Time-ordered ids keep inserts at the end of the indexes they lead (random ids dirty random B-tree pages per commit).
        var run = new StepRun(Guid.CreateVersion7(), key, step.Id, scope.Key, step.Definition.Type)
        {
            CreatedAt = now,
            RunAt = now,
            IdempotencyKey = string.Create(CultureInfo.InvariantCulture, $"{Id:N}:{key}"),
        };
        _runs.Add(key, run);
        MarkDirty(run);
        return run;
    }

    internal ScopeInstance OpenScope(string key, string scopeId, string containerKey, string parentKey, int index, string? branch)
    {
        var scope = new ScopeInstance(key, scopeId, containerKey, parentKey, index, branch);
        _scopes[key] = scope;
        return scope;
    }

    /// <summary>Marks a queued step as claimed by <paramref name="owner"/> before its row is first written, so it needs no separate claim.</summary>
    public void LeaseLocally(StepRun run, string owner, DateTimeOffset leaseUntil, DateTimeOffset now)
    {
        if (run.Status != StepRunStatus.Queued) throw new InvalidOperationException($"Step '{run.Key}' is {run.Status.ToWire()}, not queued.");
        run.Status = StepRunStatus.Running;
        run.LeaseOwner = owner;
        run.LeaseExpiresAt = leaseUntil;
        run.StartedAt ??= now;
        MarkDirty(run);
    }

    internal void MarkDirty(StepRun run)
    {
        _dirty.Add(run);
        HasChanges = true;
    }

    internal void MarkChanged() => HasChanges = true;

    internal void AddAttempt(StepAttemptRecord attempt)
    {
        _attempts.Add(attempt);
        HasChanges = true;
    }

    /// <summary>The rows this transition wrote, ready to commit; resets change tracking.</summary>
    public ExecutionChange TakeChange()
    {
        var expected = _storedRevision;
        Revision = (expected ?? -1) + 1;
        var change = new ExecutionChange(ToRecord(), expected, _dirty.Select(r => r.ToRecord(this)).ToArray(), _attempts.ToArray())
        {
            ReleasesSlot = Limits is not null && Status.IsTerminal(),
        };
        _dirty.Clear();
        _attempts.Clear();
        HasChanges = false;
        return change;
    }

    /// <summary>Call after the change from <see cref="TakeChange"/> committed.</summary>
    public void AcceptChange() => _storedRevision = Revision;

    public ExecutionRecord ToRecord() => new(
        Id, TenantId, WorkflowId, WorkflowVersion, Status, Inputs, Outputs, Error,
        JsonSerializer.SerializeToElement(Vars, EngineJson.Options), Priority, ParentExecutionId, ParentStepKey, Trigger, CreatedBy,
        Revision, CreatedAt, StartedAt, CompletedAt)
    {
        TraceParent = TraceParent,
        RetryOf = RetryOf,
    };

    private ScopeInstance EnsureScope(string key)
    {
        if (_scopes.TryGetValue(key, out var existing)) return existing;

        // Scope keys end in "[i]" (a loop iteration) or ".branch" (a parallel branch); the rest is the container's key.
        string containerKey;
        int index = -1;
        string? branch = null;
        if (key.EndsWith(']'))
        {
            int open = key.LastIndexOf('[');
            containerKey = key[..open];
            index = int.Parse(key.AsSpan(open + 1, key.Length - open - 2), CultureInfo.InvariantCulture);
        }
        else
        {
            int dot = key.LastIndexOf('.');
            containerKey = key[..dot];
            branch = key[(dot + 1)..];
        }

        var container = _runs[containerKey];
        EnsureScope(container.ScopeKey);
        string scopeId = branch is null ? WorkflowPlan.LoopScopeId(container.StepId) : WorkflowPlan.BranchScopeId(container.StepId, branch);
        var scope = new ScopeInstance(key, scopeId, containerKey, container.ScopeKey, index, branch);
        _scopes[key] = scope;
        return scope;
    }

    private void RestoreScopeProgress(WorkflowPlan plan)
    {
        // Scope progress is derived from the rows rather than stored, so a container's row is never rewritten per
        // iteration (that would make a 10,000-item loop quadratic in bytes written).
        var runsByScope = _runs.Values.ToLookup(r => r.ScopeKey, StringComparer.Ordinal);
        foreach (var scope in _scopes.Values.OrderBy(s => s.Key.Length))
        {
            if (scope.ContainerKey is null)
            {
                scope.Closed = Status.IsTerminal();
                continue;
            }
            var container = _runs[scope.ContainerKey];
            container.ChildScopesOpened++;
            var runs = runsByScope[scope.Key];
            var unhandled = runs.FirstOrDefault(r => r.Status == StepRunStatus.Failed && plan.Step(r.StepId).Definition.OnFailure is null);
            if (container.Status.IsTerminal() || runs.Any(r => r.Status == StepRunStatus.Cancelled))
                scope.Closed = true;
            else if (unhandled is not null)
                scope.MarkFailed(unhandled);
            else if (scope.Settled == plan.Scope(scope.ScopeId).StepIds.Count)
                scope.Closed = true;

            if (scope.Closed) container.ChildScopesClosed++;
            if (scope.Failed) container.ChildScopesFailed++;
        }
    }
}
