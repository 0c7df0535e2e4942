using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Scheduling;
using OpenClaw.Runtime.Telemetry;
using OpenClaw.Runtime.Workers;

namespace OpenClaw.Runtime.Execution;

/// <summary>
/// The single writer of execution state in this process. Every event (start, step result, child completion, cancel)
/// goes through one loop that applies it with the <see cref="WorkflowEngine"/> and commits the resulting rows of many
/// events in one transaction (group commit). Only after the commit are tasks handed to workers, running tasks
/// cancelled and events published, so nothing observable ever runs ahead of the database.
/// </summary>
public sealed partial class ExecutionCoordinator
{
    private readonly Channel<Command> _inbox = Channel.CreateUnbounded<Command>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<Guid, Entry> _cache = [];
    private readonly IExecutionStore _store;
    private readonly WorkflowPlanCache _plans;
    private readonly WorkflowEngine _engine;
    private readonly WorkerPool _workers;
    private readonly TaskDispatcher _dispatcher;
    private readonly ExecutionEventHub _events;
    private readonly ExecutionContextCache _contexts;
    private readonly RuntimeOptions _options;
    private readonly TimeProvider _time;
    private readonly QueuePauseState _pauses;
    private readonly TenantConcurrencyLimits _tenantLimits;
    private readonly ILogger<ExecutionCoordinator> _logger;
    private readonly IExecutionAdmission? _admission;
    private const int MaxCachedExecutions = 20_000;

    // The inbox's length: a single-reader channel cannot count itself.
    private int _pending;

    public ExecutionCoordinator(
        IExecutionStore store, WorkflowPlanCache plans, WorkflowEngine engine, WorkerPool workers, TaskDispatcher dispatcher,
        ExecutionEventHub events, ExecutionContextCache contexts, RuntimeOptions options, TimeProvider time, QueuePauseState pauses,
        TenantConcurrencyLimits tenantLimits, ILogger<ExecutionCoordinator> logger, IExecutionAdmission? admission = null)
    {
        _admission = admission;
        _contexts = contexts;
        _pauses = pauses;
        _tenantLimits = tenantLimits;
        _store = store;
        _plans = plans;
        _engine = engine;
        _workers = workers;
        _dispatcher = dispatcher;
        _events = events;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts an execution; returns its id once it is durably stored and its first steps are queued.</summary>
    /// <exception cref="WorkflowNotFoundException">No such workflow or version.</exception>
    /// <exception cref="InputValidationException">The inputs do not match the declared inputs.</exception>
    /// <exception cref="InvalidOperationException">The executor is stopping.</exception>
    /// <exception cref="ExecutionQuotaExceededException">The tenant's daily quota is used up (see <see cref="IExecutionAdmission"/>).</exception>
    public async Task<Guid> StartAsync(StartExecutionRequest request, CancellationToken cancellationToken = default)
    {
        var plan = await _plans.GetCurrentAsync(request.TenantId, request.WorkflowId, request.Version, cancellationToken).ConfigureAwait(false);
        var (inputs, errors) = WorkflowValidator.BindInputs(plan.Definition, request.Inputs);
        if (errors.Count > 0) throw new InputValidationException(errors);
        if (_admission is null) return await StartAdmittedAsync(request, plan, inputs, cancellationToken).ConfigureAwait(false);

        await _admission.AdmitAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            return await StartAdmittedAsync(request, plan, inputs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not started (e.g. another scheduler claimed the fire time): it must not count. A cancelled wait may still commit.
            await _admission.ReleaseAsync(request).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<Guid> StartAdmittedAsync(StartExecutionRequest request, WorkflowPlan plan, JsonObject inputs, CancellationToken cancellationToken)
    {
        var id = request.ExecutionId ?? Guid.CreateVersion7();
        var inputsElement = JsonSerializer.SerializeToElement(inputs);
        var createdAt = _time.GetUtcNow();
        // The execution's span: a child of whatever started it (the request's span), parent of every step's span.
        using var activity = OpenClawTelemetry.Source.StartActivity("execution " + request.WorkflowId);
        activity?.SetTag("openclaw.workflow.id", request.WorkflowId);
        activity?.SetTag("openclaw.workflow.version", plan.StoredVersion);
        activity?.SetTag("openclaw.execution.id", id.ToString());
        activity?.SetTag("openclaw.trigger", request.Trigger);
        var traceParent = activity?.Id ?? Activity.Current?.Id;
        ExecutionState Create() => ExecutionState.CreateNew(id, request.TenantId, request.WorkflowId, plan.StoredVersion,
            inputsElement, request.Priority, request.Trigger, request.CreatedBy, createdAt, traceParent: traceParent, retryOf: request.RetryOf);
        // Before the start commits, so the first steps (which may run at once) find it without a database read.
        await _contexts.RememberAsync(id, new ExecutionContextInfo(request.WorkflowId, plan.StoredVersion, traceParent), cancellationToken).ConfigureAwait(false);
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new StartCommand(id, Create, plan, done, request.Fire));
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Resumes a failed or cancelled execution from its stopped steps (see <see cref="WorkflowEngine.Resume"/>), in one
    /// commit: the execution is running again and the steps are queued (as new attempts) when this returns.
    /// </summary>
    /// <param name="replacedInputs">New inputs for failed steps, by step key; the others keep theirs.</param>
    /// <returns>False when the execution does not exist.</returns>
    /// <exception cref="ExecutionNotResumableException">It is not failed or cancelled, or a stopped step cannot run again.</exception>
    public async Task<bool> ResumeAsync(Guid executionId, IReadOnlyDictionary<string, JsonElement>? replacedInputs, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new ResumeCommand(executionId, replacedInputs, done));
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels an execution and everything it started. Returns false when it does not exist or has already finished.</summary>
    /// <exception cref="InvalidOperationException">The executor is stopping.</exception>
    public async Task<bool> CancelAsync(Guid executionId, string reason = "cancelled by request", CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new CancelCommand(executionId, reason, done));
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the execution reaches a terminal status and returns its final row.</summary>
    public async Task<ExecutionRecord> WaitForCompletionAsync(Guid executionId, CancellationToken cancellationToken = default)
    {
        using var subscription = _events.Subscribe(executionId);
        var snapshot = await _store.LoadAsync(executionId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Execution {executionId} does not exist.");
        if (snapshot.Execution.Status.IsTerminal()) return snapshot.Execution;
        await foreach (var @event in subscription.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (@event is ExecutionFinishedEvent finished) return finished.Execution;
        }
        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>A worker finished an attempt. Fire and forget: the lease covers the result until it commits.</summary>
    internal void Report(ClaimedTask task, JsonElement? output, StepFailure? failure, AttemptInfo attempt) =>
        TryPost(new StepResultCommand(task.Step.Id, task.Step.ExecutionId, task.Step.StepKey, output, failure, attempt));

    /// <summary>Events received and not yet applied: the coordinator's backlog.</summary>
    public int PendingEvents => Volatile.Read(ref _pending);

    private void Post(Command command)
    {
        if (!TryPost(command)) throw new InvalidOperationException("The executor is stopping and accepts no new requests.");
    }

    private bool TryPost(Command command)
    {
        Interlocked.Increment(ref _pending);
        if (_inbox.Writer.TryWrite(command)) return true;
        Interlocked.Decrement(ref _pending);
        return false;
    }

    /// <summary>Stops accepting events once those already queued are processed.</summary>
    internal void Complete() => _inbox.Writer.TryComplete();

    /// <summary>The loop: drains a batch of events, applies them, commits once, then acts on the outcome.</summary>
    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Command>(_options.MaxBatchSize);
        while (await _inbox.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && _inbox.Reader.TryRead(out var command)) batch.Add(command);
            Interlocked.Add(ref _pending, -batch.Count);
            await ProcessBatchAsync(batch, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task ProcessBatchAsync(List<Command> commands, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            var work = new BatchWork(commands);
            try
            {
                await ApplyAsync(work, cancellationToken).ConfigureAwait(false);
                var changes = PrepareCommit(work);
                if (changes.Count > 0) await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException conflict) when (LostFire(commands, conflict.ExecutionId) is { } lost)
            {
                // A cron fire time another scheduler claimed first: refuse that start at once and commit the rest.
                Abandon(work);
                commands.Remove(lost);
                lost.Fail(new FireAlreadyClaimedException(lost.Fire!));
                if (commands.Count == 0) return;
                attempt--;
                continue;
            }
            catch (ConcurrencyConflictException conflict) when (attempt < 5)
            {
                // Another node moved an execution we had cached: forget what this batch did and apply it again from the database.
                LogConflict(conflict.ExecutionId, attempt);
                Abandon(work);
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Abandon(work);
                if (commands.Count > 1)
                {
                    // One bad event (or one execution's bad rows) must not sink the unrelated events it was batched
                    // with: apply each on its own, so only the culprit fails.
                    LogBatchSplit(ex, commands.Count);
                    foreach (var command in commands) await ProcessBatchAsync([command], cancellationToken).ConfigureAwait(false);
                    return;
                }

                // Nothing committed. A step result is applied again when its task's lease expires and it reruns.
                LogEventFailed(ex);
                commands[0].Fail(ex);
                LetGoOfResults(commands);
                return;
            }
            AfterCommit(work);
            LetGoOfResults(commands);
            return;
        }
    }

    /// <summary>The start of a cron fire whose execution the conflict names: its fire time (or its id) was taken by another scheduler.</summary>
    private static StartCommand? LostFire(List<Command> commands, Guid executionId) =>
        commands.OfType<StartCommand>().FirstOrDefault(c => c.Fire is not null && c.Id == executionId);

    /// <summary>
    /// Results are applied (committed, or dropped as stale) or failed for good: their tasks' leases need no more
    /// renewing. Until now the lease stayed held, so a result queued behind a slow commit was not rerun elsewhere.
    /// </summary>
    private void LetGoOfResults(List<Command> commands)
    {
        foreach (var command in commands)
        {
            if (command is StepResultCommand result) _workers.LetGo(result.TaskId);
        }
    }

    /// <summary>Undoes what a batch that did not commit holds in memory: its cached copies and its worker reservations.</summary>
    private void Abandon(BatchWork work)
    {
        Evict(work.Touched.Keys);
        _workers.Release(work.LocalTasks.Count);
    }

    private async Task ApplyAsync(BatchWork work, CancellationToken cancellationToken)
    {
        var effects = new TransitionEffects();
        while (work.Queue.TryDequeue(out var command))
        {
            effects.Clear();
            Entry? entry = null;
            switch (command)
            {
                case StartCommand start:
                    // A fresh copy on every try: a batch applied again after a conflict must not build on its first try.
                    entry = Configure(new Entry(start.Create(), start.Plan) { Fire = start.Fire }, admitted: false);
                    _cache[entry.State.Id] = entry;
                    _engine.Start(entry.State, entry.Plan, effects);
                    break;
                case ResumeCommand resume:
                    entry = await ResumeAsync(resume, effects, cancellationToken).ConfigureAwait(false);
                    break;
                case StartChildCommand child:
                    entry = await StartChildAsync(child, effects, work, cancellationToken).ConfigureAwait(false);
                    break;
                case StartErrorWorkflowCommand errorWorkflow:
                    entry = await StartErrorWorkflowAsync(errorWorkflow, effects, cancellationToken).ConfigureAwait(false);
                    break;
                case StepResultCommand result:
                    entry = await ApplyAsync(result.ExecutionId, work, e =>
                    {
                        // One of its tasks was claimed, so the execution holds its concurrency slot: later tasks need no gate.
                        e.State.Admitted = true;
                        if (result.Failure is null)
                            _engine.StepSucceeded(e.State, e.Plan, result.StepKey, result.Output!.Value, result.Attempt, effects);
                        else
                            _engine.StepFailed(e.State, e.Plan, result.StepKey, result.Failure, result.Attempt, effects);
                    }, cancellationToken).ConfigureAwait(false);
                    break;
                case ChildCompletedCommand completed:
                    entry = await ApplyAsync(completed.ParentId, work,
                        e => _engine.ChildCompleted(e.State, e.Plan, completed.StepKey, completed.Outcome, effects), cancellationToken).ConfigureAwait(false);
                    break;
                case CancelCommand cancel:
                    entry = await GetAsync(cancel.ExecutionId, work, cancellationToken).ConfigureAwait(false);
                    bool cancellable = entry is not null && !entry.State.Status.IsTerminal();
                    if (cancellable) _engine.Cancel(entry!.State, entry.Plan, cancel.Reason, effects);
                    work.Results.Add((cancel, cancellable));
                    break;
            }
            if (entry is null)
            {
                if (command is not CancelCommand) work.Results.Add((command, false));
                continue;
            }
            work.Touched[entry.State.Id] = entry;
            if (command is StartCommand or ResumeCommand) work.Results.Add((command, true));
            Collect(entry, effects, work);
        }
    }

    /// <summary>
    /// Applies an event to an execution. A copy cached from an earlier batch may be stale when other processes share
    /// the database (another node queued the step this result is for, or retried it): an event that changes nothing
    /// against the cached copy is applied once more to a fresh load before it is dropped as stale. Without this a
    /// result for a step this node has not seen would be ignored forever, rerun after every lease expiry.
    /// </summary>
    private async Task<Entry?> ApplyAsync(Guid executionId, BatchWork work, Action<Entry> apply, CancellationToken cancellationToken)
    {
        bool fromEarlierBatch = _cache.ContainsKey(executionId) && !work.Touched.ContainsKey(executionId);
        var entry = await GetAsync(executionId, work, cancellationToken).ConfigureAwait(false);
        if (entry is null) return null;
        apply(entry);
        if (!fromEarlierBatch || entry.State.HasChanges) return entry;

        _cache.Remove(executionId);
        entry = await GetAsync(executionId, work, cancellationToken).ConfigureAwait(false);
        if (entry is not null) apply(entry);
        return entry;
    }

    private async Task<Entry?> StartChildAsync(StartChildCommand command, TransitionEffects effects, BatchWork work, CancellationToken cancellationToken)
    {
        var parent = command.Parent;
        string? failure = null;
        WorkflowPlan? plan = null;
        JsonObject? inputs = null;
        try
        {
            plan = await _plans.GetCurrentAsync(parent.TenantId, command.Start.WorkflowId, command.Start.Version, cancellationToken).ConfigureAwait(false);
            var bound = WorkflowValidator.BindInputs(plan.Definition, command.Start.Inputs as JsonObject);
            if (bound.Errors.Count > 0) failure = "invalid inputs: " + string.Join("; ", bound.Errors);
            inputs = bound.Inputs;
        }
        catch (WorkflowNotFoundException ex)
        {
            failure = ex.Message;
        }
        if (failure is not null)
        {
            work.Queue.Enqueue(new ChildCompletedCommand(parent.Id, command.Start.ParentStepKey, new ExecutionOutcome(ExecutionStatus.Failed, null, failure)));
            return null;
        }

        var state = ExecutionState.CreateNew(command.Start.ChildExecutionId, parent.TenantId, command.Start.WorkflowId, plan!.StoredVersion,
            JsonSerializer.SerializeToElement(inputs), parent.Priority, "subworkflow", parent.CreatedBy, _time.GetUtcNow(),
            parent.Id, command.Start.ParentStepKey, traceParent: parent.TraceParent);
        var entry = Configure(new Entry(state, plan), admitted: false);
        _cache[state.Id] = entry;
        _engine.Start(state, plan, effects);
        return entry;
    }

    /// <summary>
    /// Starts a failed execution's error workflow (<c>on_failure_workflow</c>) in the same commit as the failure, so a
    /// crash cannot record the one without the other. The error workflow receives the failure as its input
    /// <c>failure</c> when it declares one. An error workflow's own failure starts nothing, so two workflows naming
    /// each other cannot loop.
    /// </summary>
    private async Task<Entry?> StartErrorWorkflowAsync(StartErrorWorkflowCommand command, TransitionEffects effects, CancellationToken cancellationToken)
    {
        var failed = command.Failed;
        WorkflowPlan plan;
        try
        {
            plan = await _plans.GetCurrentAsync(failed.TenantId, command.WorkflowId, null, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowNotFoundException ex)
        {
            LogErrorWorkflowNotStarted(failed.Id, command.WorkflowId, ex.Message);
            return null;
        }
        var supplied = new JsonObject();
        if (plan.Definition.Inputs.Any(i => i.Name == "failure"))
        {
            supplied["failure"] = new JsonObject
            {
                ["execution_id"] = failed.Id.ToString(),
                ["workflow_id"] = failed.WorkflowId,
                ["workflow_version"] = failed.WorkflowVersion,
                ["error"] = failed.Error,
                ["failed_at"] = failed.CompletedAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["inputs"] = JsonNode.Parse(failed.Inputs.GetRawText()),
            };
        }
        var (inputs, errors) = WorkflowValidator.BindInputs(plan.Definition, supplied);
        if (errors.Count > 0)
        {
            LogErrorWorkflowNotStarted(failed.Id, command.WorkflowId, string.Join("; ", errors));
            return null;
        }
        var state = ExecutionState.CreateNew(Guid.CreateVersion7(), failed.TenantId, command.WorkflowId, plan.StoredVersion,
            JsonSerializer.SerializeToElement(inputs), failed.Priority, ErrorWorkflowTrigger, failed.CreatedBy, _time.GetUtcNow(),
            traceParent: failed.TraceParent);
        var entry = Configure(new Entry(state, plan), admitted: false);
        _cache[state.Id] = entry;
        _engine.Start(state, plan, effects);
        return entry;
    }

    /// <summary>
    /// Loads a failed or cancelled execution afresh and resumes it. A refusal is handed to the caller, not treated as a
    /// failed event: it says nothing is wrong with the batch.
    /// </summary>
    private async Task<Entry?> ResumeAsync(ResumeCommand command, TransitionEffects effects, CancellationToken cancellationToken)
    {
        _cache.Remove(command.ExecutionId);
        var snapshot = await _store.LoadAsync(command.ExecutionId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return null;
        var e = snapshot.Execution;
        try
        {
            var plan = await _plans.GetAsync(e.TenantId, e.WorkflowId, e.WorkflowVersion, cancellationToken).ConfigureAwait(false);
            var state = _engine.Resume(snapshot, plan, command.Inputs, effects);
            var entry = Configure(new Entry(state, plan), admitted: false);
            _cache[state.Id] = entry;
            return entry;
        }
        catch (Exception ex) when (ex is ExecutionNotResumableException or WorkflowNotFoundException or InvalidDataException)
        {
            command.Rejection = ex as ExecutionNotResumableException ?? new ExecutionNotResumableException($"Execution {e.Id} cannot resume: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// Applies the plan's queue and the concurrency limits (the workflow's <c>concurrency</c> and the tenant's) to a
    /// working copy. Sub-workflow runs are never gated: they run inside their parent's slot, and gating them could
    /// deadlock parents that hold every slot while waiting for their children.
    /// </summary>
    private Entry Configure(Entry entry, bool admitted)
    {
        var state = entry.State;
        state.Queue = entry.Plan.Definition.Queue;
        int? workflowLimit = entry.Plan.Definition.Concurrency;
        int? tenantLimit = _tenantLimits.For(state.TenantId);
        state.Limits = state.ParentExecutionId is not null || (workflowLimit is null && tenantLimit is null)
            ? null
            : new ConcurrencyGate(state.WorkflowId, workflowLimit, tenantLimit);
        state.Admitted = admitted;
        return entry;
    }

    /// <summary>
    /// Whether a loaded execution holds its slot: one of its plugin or delay tasks has been claimed (has started). Containers
    /// start without a claim and do not count.
    /// </summary>
    private static bool HasBeenClaimed(ExecutionSnapshot snapshot) =>
        snapshot.Steps.Any(s => s.StartedAt is not null && s.StepType is "plugin" or "delay");

    /// <summary>The trigger recorded on executions started as error workflows.</summary>
    public const string ErrorWorkflowTrigger = "error-workflow";

    private static void Collect(Entry entry, TransitionEffects effects, BatchWork work)
    {
        if (effects.Completed is { Status: ExecutionStatus.Failed } && entry.Plan.Definition.OnFailureWorkflow is { } errorWorkflow
            && entry.State.Trigger != ErrorWorkflowTrigger)
        {
            work.Queue.Enqueue(new StartErrorWorkflowCommand(entry.State, errorWorkflow));
        }
        foreach (var run in effects.Dispatch) work.Dispatch.Add((entry, run));
        work.CancelTasks.AddRange(effects.CancelTasks);
        foreach (var child in effects.StartChildren) work.Queue.Enqueue(new StartChildCommand(entry.State, child));
        foreach (var child in effects.CancelChildren) work.Queue.Enqueue(new CancelCommand(child, "parent execution stopped", null));
        if (effects.Completed is { } outcome && entry.State.ParentExecutionId is { } parentId)
            work.Queue.Enqueue(new ChildCompletedCommand(parentId, entry.State.ParentStepKey!, outcome));
    }

    private List<ExecutionChange> PrepareCommit(BatchWork work)
    {
        // Due tasks go straight to this process's workers when they have room: the rows are written already leased
        // to us, which saves a claim round trip. The rest stay queued for the dispatcher (and other nodes).
        var now = _time.GetUtcNow();
        var leaseUntil = now + _options.LeaseDuration;
        foreach (var (entry, run) in work.Dispatch)
        {
            if (run.Status != StepRunStatus.Queued) continue;
            // Not for a step that must wait for a concurrency slot or sits in a paused queue: only the claim may start those.
            if (run.RunAt <= now && _options.RunWorkers && entry.State.Gate is null && !_pauses.IsPaused(entry.State.TenantId, entry.State.Queue)
                && _workers.TryReserve())
            {
                entry.State.LeaseLocally(run, _options.NodeId, leaseUntil, now);
                work.LocalTasks.Add((entry, run));
            }
            else
            {
                work.EarliestQueued = work.EarliestQueued is { } earliest && earliest < run.RunAt ? earliest : run.RunAt;
            }
        }

        var changes = new List<ExecutionChange>(work.Touched.Count);
        foreach (var entry in work.Touched.Values)
        {
            if (!entry.State.HasChanges) continue;
            var change = entry.State.TakeChange();
            changes.Add(entry.Fire is { } fire ? change with { Fire = fire } : change);
        }
        changes.AddRange(work.Unrunnable.Values);
        work.Changes = changes;
        return changes;
    }

    private void AfterCommit(BatchWork work)
    {
        foreach (var entry in work.Touched.Values)
        {
            entry.State.AcceptChange();
            entry.Fire = null;
        }

        // Publish before handing tasks on: a worker or the dispatcher may write a step's next row (its claim, its
        // result) at once, and watchers must see a step's rows in the order they were written.
        if (_events.HasSubscribers)
        {
            foreach (var change in work.Changes)
            {
                foreach (var step in change.Steps) _events.Publish(new StepChangedEvent(change.Execution.Id, step));
                _events.Publish(new ExecutionUpdatedEvent(change.Execution.Id, change.Execution));
                if (change.Execution.Status.IsTerminal()) _events.Publish(new ExecutionFinishedEvent(change.Execution.Id, change.Execution));
            }
        }

        foreach (var (entry, run) in work.LocalTasks)
            _workers.Enqueue(new ClaimedTask(run.ToRecord(entry.State), _options.NodeId, run.LeaseExpiresAt!.Value));
        if (work.EarliestQueued is { } due) _dispatcher.NotifyQueued(due);
        // A released concurrency slot may let a gated task run.
        if (work.Changes.Any(c => c.ReleasesSlot && c.Execution.Status.IsTerminal())) _dispatcher.NotifyQueued(_time.GetUtcNow());
        foreach (var taskId in work.CancelTasks) _workers.Cancel(taskId);

        foreach (var (command, result) in work.Results) command.Succeed(result);
        foreach (var entry in work.Touched.Values)
        {
            if (entry.State.Status.IsTerminal()) _cache.Remove(entry.State.Id);
        }
        if (_cache.Count > MaxCachedExecutions) _cache.Clear();
    }

    private async Task<Entry?> GetAsync(Guid executionId, BatchWork work, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(executionId, out var cached)) return cached;
        if (work.Unrunnable.ContainsKey(executionId)) return null;
        var snapshot = await _store.LoadAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return null;
        var e = snapshot.Execution;
        WorkflowPlan plan;
        try
        {
            plan = await _plans.GetAsync(e.TenantId, e.WorkflowId, e.WorkflowVersion, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WorkflowNotFoundException or InvalidDataException)
        {
            if (!e.Status.IsTerminal()) FailUnrunnable(snapshot, ex.Message, work);
            return null;
        }
        var entry = Configure(new Entry(ExecutionState.Load(snapshot, plan), plan), HasBeenClaimed(snapshot));
        if (!entry.State.Status.IsTerminal()) _cache[executionId] = entry;
        return entry;
    }

    /// <summary>
    /// An execution whose workflow version can no longer be loaded (deleted underneath it, or stored text that no
    /// longer parses) cannot advance. Fail it, cancelling its unsettled steps, instead of retrying its events forever.
    /// </summary>
    private void FailUnrunnable(ExecutionSnapshot snapshot, string reason, BatchWork work)
    {
        var now = _time.GetUtcNow();
        var e = snapshot.Execution;
        var error = $"the workflow definition is unavailable: {reason}";
        var steps = new List<StepRunRecord>();
        foreach (var step in snapshot.Steps.Where(s => !s.Status.IsTerminal()))
        {
            if (step.Status == StepRunStatus.Running) work.CancelTasks.Add(step.Id);
            steps.Add(step with { Status = StepRunStatus.Cancelled, CompletedAt = now, LeaseOwner = null, LeaseExpiresAt = null });
        }
        var failed = e with { Status = ExecutionStatus.Failed, Error = error, CompletedAt = now, Revision = e.Revision + 1 };
        work.Unrunnable[e.Id] = new ExecutionChange(failed, e.Revision, steps, []);
        if (e.ParentExecutionId is { } parent)
            work.Queue.Enqueue(new ChildCompletedCommand(parent, e.ParentStepKey!, new ExecutionOutcome(ExecutionStatus.Failed, null, error)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {ExecutionId} failed but its error workflow '{WorkflowId}' could not start: {Reason}")]
    private partial void LogErrorWorkflowNotStarted(Guid executionId, string workflowId, string reason);

    private void Evict(IEnumerable<Guid> ids)
    {
        foreach (var id in ids.ToList()) _cache.Remove(id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {ExecutionId} changed elsewhere; retrying batch (attempt {Attempt})")]
    private partial void LogConflict(Guid executionId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying an event failed; nothing was written")]
    private partial void LogEventFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} events failed; applying them one by one")]
    private partial void LogBatchSplit(Exception exception, int count);

    private sealed record Entry(ExecutionState State, WorkflowPlan Plan)
    {
        /// <summary>The cron fire time a new execution claims in its first commit; cleared once committed.</summary>
        public ScheduleFire? Fire { get; set; }
    }

    private sealed class BatchWork(List<Command> commands)
    {
        public Queue<Command> Queue { get; } = new(commands);

        public Dictionary<Guid, Entry> Touched { get; } = [];

        public List<(Entry Entry, StepRun Run)> Dispatch { get; } = [];

        public List<(Entry Entry, StepRun Run)> LocalTasks { get; } = [];

        public List<Guid> CancelTasks { get; } = [];

        public List<(Command Command, bool Result)> Results { get; } = [];

        public List<ExecutionChange> Changes { get; set; } = [];

        /// <summary>Executions failed because their definition is gone, with the rows that say so.</summary>
        public Dictionary<Guid, ExecutionChange> Unrunnable { get; } = [];

        public DateTimeOffset? EarliestQueued { get; set; }
    }

    private abstract record Command
    {
        public virtual void Succeed(bool result) { }

        public virtual void Fail(Exception exception) { }
    }

    private sealed record ResumeCommand(Guid ExecutionId, IReadOnlyDictionary<string, JsonElement>? Inputs, TaskCompletionSource<bool> Done) : Command
    {
        public ExecutionNotResumableException? Rejection { get; set; }

        public override void Succeed(bool result)
        {
            if (Rejection is not null) Done.TrySetException(Rejection);
            else Done.TrySetResult(result);
        }

        public override void Fail(Exception exception) => Done.TrySetException(exception);
    }

    private sealed record StartCommand(Guid Id, Func<ExecutionState> Create, WorkflowPlan Plan, TaskCompletionSource<bool> Done, ScheduleFire? Fire) : Command
    {
        public override void Succeed(bool result) => Done.TrySetResult(result);

        public override void Fail(Exception exception) => Done.TrySetException(exception);
    }

    private sealed record StartErrorWorkflowCommand(ExecutionState Failed, string WorkflowId) : Command;

    private sealed record StartChildCommand(ExecutionState Parent, ChildExecutionStart Start) : Command;

    private sealed record StepResultCommand(Guid TaskId, Guid ExecutionId, string StepKey, JsonElement? Output, StepFailure? Failure, AttemptInfo Attempt) : Command;

    private sealed record ChildCompletedCommand(Guid ParentId, string StepKey, ExecutionOutcome Outcome) : Command;

    private sealed record CancelCommand(Guid ExecutionId, string Reason, TaskCompletionSource<bool>? Done) : Command
    {
        public override void Succeed(bool result) => Done?.TrySetResult(result);

        public override void Fail(Exception exception) => Done?.TrySetException(exception);
    }
}
