using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Expressions;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Engine;

/// <summary>
/// The workflow state machine. Every method applies one event to an <see cref="ExecutionState"/> and records the
/// consequences in the state's change set and in <see cref="TransitionEffects"/>. No I/O: storage, workers and
/// time-keeping belong to the runtime, which commits a transition's rows in one transaction.
/// </summary>
/// <remarks>
/// Graph semantics: a step runs when every predecessor in its scope has settled and at least one of them chose it
/// (a join); when all predecessors settled without choosing it, it is skipped, and the skip propagates (dead-path
/// elimination). A step that fails after its retries continues with its <c>on_failure</c> step when it has one;
/// otherwise its scope fails: the execution at top level, or the owning loop or parallel step.
/// </remarks>
public sealed class WorkflowEngine
{
    private readonly TimeProvider _time;
    private readonly EngineOptions _options;
    private readonly ExpressionCache _expressions;

    public WorkflowEngine(TimeProvider time, EngineOptions? options = null, ExpressionCache? expressions = null)
    {
        _time = time;
        _options = options ?? new EngineOptions();
        _expressions = expressions ?? new ExpressionCache();
    }

    internal EngineOptions Options => _options;

    internal ExpressionCache Expressions => _expressions;

    /// <summary>Starts a new execution: initialises variables and activates the entry steps.</summary>
    public void Start(ExecutionState state, WorkflowPlan plan, TransitionEffects effects)
    {
        if (state.Status != ExecutionStatus.Pending) return;
        var t = new Transition(this, state, plan, effects);
        t.Start();
    }

    /// <summary>A worker finished attempt <paramref name="attempt"/> of a step successfully.</summary>
    public void StepSucceeded(ExecutionState state, WorkflowPlan plan, string stepKey, JsonElement output, AttemptInfo attempt, TransitionEffects effects) =>
        new Transition(this, state, plan, effects).AttemptSucceeded(stepKey, output, attempt);

    /// <summary>A worker's attempt failed; the step retries per its policy or fails.</summary>
    public void StepFailed(ExecutionState state, WorkflowPlan plan, string stepKey, StepFailure failure, AttemptInfo attempt, TransitionEffects effects) =>
        new Transition(this, state, plan, effects).AttemptFailed(stepKey, failure, attempt);

    /// <summary>A child execution started by a sub-workflow step finished.</summary>
    public void ChildCompleted(ExecutionState state, WorkflowPlan plan, string stepKey, ExecutionOutcome outcome, TransitionEffects effects) =>
        new Transition(this, state, plan, effects).ChildCompleted(stepKey, outcome);

    /// <summary>Cancels the execution: queued steps are dropped, running ones stopped, children cancelled.</summary>
    public void Cancel(ExecutionState state, WorkflowPlan plan, string reason, TransitionEffects effects) =>
        new Transition(this, state, plan, effects).Cancel(reason);

    /// <summary>
    /// Resumes a failed or cancelled execution from the steps that stopped it (see <see cref="ExecutionResume"/>),
    /// optionally replacing the inputs of failed steps (by step key). Returns the new working copy; its change is ready
    /// to commit and the requeued steps are in <paramref name="effects"/>.
    /// </summary>
    /// <exception cref="ExecutionNotResumableException">The execution is not failed or cancelled, or a stopped step cannot run again.</exception>
    public ExecutionState Resume(ExecutionSnapshot snapshot, WorkflowPlan plan, IReadOnlyDictionary<string, JsonElement>? replacedInputs, TransitionEffects effects) =>
        ExecutionResume.Apply(snapshot, plan, replacedInputs, Now, effects);

    internal DateTimeOffset Now => _time.GetUtcNow();

    internal TimeProvider Time => _time;

    /// <summary>One event applied to one execution; short-lived.</summary>
    private sealed class Transition(WorkflowEngine engine, ExecutionState state, WorkflowPlan plan, TransitionEffects effects)
    {
        private readonly DateTimeOffset _now = engine.Now;

        // Loops whose iterations StartNextIterations is advancing in this transition.
        private HashSet<StepRun>? _advancing;

        public void Start()
        {
            state.Status = ExecutionStatus.Running;
            state.StartedAt = _now;
            state.MarkChanged();
            var top = state.Scope("");
            try
            {
                var vars = new JsonObject();
                var context = Context(top);
                foreach (var (name, template) in plan.Definition.Vars)
                    vars[name] = TemplateResolver.Resolve(template, context, engine.Expressions);
                state.Vars = vars;
            }
            catch (ExpressionException ex)
            {
                FinishExecution(ExecutionStatus.Failed, null, $"vars: {ex.Message}");
                return;
            }
            OpenScope(top);
        }

        public void AttemptSucceeded(string stepKey, JsonElement output, AttemptInfo attempt)
        {
            if (!TryGetLiveRun(stepKey, attempt.Attempt, out var run)) return;
            state.AddAttempt(new StepAttemptRecord(run.Id, state.Id, attempt.Attempt, StepRunStatus.Succeeded, run.Inputs, output, null,
                attempt.WorkerId, attempt.StartedAt, attempt.FinishedAt, attempt.Logs));
            run.StartedAt ??= attempt.StartedAt;
            Succeed(run, output);
        }

        public void AttemptFailed(string stepKey, StepFailure failure, AttemptInfo attempt)
        {
            if (!TryGetLiveRun(stepKey, attempt.Attempt, out var run)) return;
            state.AddAttempt(new StepAttemptRecord(run.Id, state.Id, attempt.Attempt, StepRunStatus.Failed, run.Inputs, null, failure.Message,
                attempt.WorkerId, attempt.StartedAt, attempt.FinishedAt, attempt.Logs));
            run.StartedAt ??= attempt.StartedAt;
            var retry = plan.Step(run.StepId).Definition.Retry;
            int retriesUsed = run.Attempt - 1;
            if (failure.Retryable && retriesUsed < retry.MaxRetries)
            {
                run.Attempt++;
                run.Status = StepRunStatus.Queued;
                run.Error = failure.Message;
                run.LeaseOwner = null;
                run.LeaseExpiresAt = null;
                run.RunAt = _now + retry.DelayBefore(retriesUsed + 1, Random.Shared.NextDouble());
                state.MarkDirty(run);
                effects.Dispatch.Add(run);
                return;
            }
            string message = retriesUsed > 0 ? $"{failure.Message} (after {run.Attempt} attempts)" : failure.Message;
            Fail(run, message);
        }

        public void ChildCompleted(string stepKey, ExecutionOutcome outcome)
        {
            if (state.Status.IsTerminal() || !state.TryGetRun(stepKey, out var run) || run.Status != StepRunStatus.Waiting) return;
            switch (outcome.Status)
            {
                case ExecutionStatus.Succeeded:
                    Succeed(run, outcome.Outputs ?? EngineJson.EmptyObject);
                    break;
                default:
                    var child = run.State?["child_execution_id"]?.GetValue<string>();
                    Fail(run, $"sub-workflow execution {child} {outcome.Status.ToWire()}: {outcome.Error}");
                    break;
            }
        }

        public void Cancel(string reason)
        {
            if (state.Status.IsTerminal()) return;
            foreach (var scope in state.Scopes.ToList()) scope.Closed = true;
            foreach (var run in state.Runs.Where(r => !r.Status.IsTerminal()).ToList())
                CancelRun(run);
            FinishExecution(ExecutionStatus.Cancelled, null, reason);
        }

        private bool TryGetLiveRun(string stepKey, int attempt, out StepRun run)
        {
            // Results for a finished execution, a settled step or an older attempt are stale (a lease that expired
            // while the worker was still running, say) and must not be applied twice.
            if (state.Status.IsTerminal() || !state.TryGetRun(stepKey, out run!)) { run = null!; return false; }
            return !run.Status.IsTerminal() && run.Attempt == attempt && state.Scope(run.ScopeKey) is { Closed: false };
        }

        private void OpenScope(ScopeInstance scope)
        {
            var planned = plan.Scope(scope.ScopeId);
            if (planned.StepIds.Count == 0)
            {
                CloseScope(scope);
                return;
            }
            foreach (var entry in planned.EntrySteps)
            {
                if (scope.Closed) return;
                Activate(plan.Step(entry), scope);
            }
        }

        private void Activate(PlannedStep step, ScopeInstance scope)
        {
            var run = state.AddRun(step, scope, _now);
            var definition = step.Definition;
            try
            {
                switch (definition.Config)
                {
                    case PluginStepConfig config:
                        run.PluginName = config.Plugin;
                        // What the worker needs besides the inputs, so it never has to load the workflow.
                        run.State = new JsonObject { ["timeout_ms"] = (long)definition.Timeout.TotalMilliseconds, ["plugin_version"] = config.Version };
                        run.Inputs = EngineJson.ToElement(TemplateResolver.Resolve(config.Inputs, Context(scope), engine.Expressions) ?? new JsonObject());
                        Queue(run, _now);
                        break;
                    case DelayStepConfig config:
                        var until = DelayUntil(config, Context(scope));
                        run.Inputs = JsonSerializer.SerializeToElement(new JsonObject { ["until"] = until.ToString("O", CultureInfo.InvariantCulture) });
                        Queue(run, until);
                        break;
                    case ConditionStepConfig config:
                        ActivateCondition(run, config, scope);
                        break;
                    case LoopStepConfig config:
                        ActivateLoop(run, config, scope);
                        break;
                    case ParallelStepConfig config:
                        run.Status = StepRunStatus.Waiting;
                        run.StartedAt = _now;
                        foreach (var branch in config.Branches)
                        {
                            if (run.Status != StepRunStatus.Waiting) break;
                            var child = state.OpenScope(ScopeInstance.BranchKey(run.Key, branch.Name), WorkflowPlan.BranchScopeId(step.Id, branch.Name),
                                run.Key, scope.Key, -1, branch.Name);
                            run.ChildScopesOpened++;
                            OpenScope(child);
                        }
                        break;
                    case SubworkflowStepConfig config:
                        var inputs = TemplateResolver.Resolve(config.Inputs, Context(scope), engine.Expressions);
                        var childId = Guid.CreateVersion7();
                        run.Inputs = EngineJson.ToElement(inputs);
                        run.Status = StepRunStatus.Waiting;
                        run.StartedAt = _now;
                        run.State = new JsonObject { ["child_execution_id"] = childId.ToString() };
                        effects.StartChildren.Add(new ChildExecutionStart(childId, config.Workflow, config.Version, inputs, run.Key));
                        break;
                    default:
                        throw new InvalidOperationException($"Step '{step.Id}' has an unsupported configuration.");
                }
            }
            catch (ExpressionException ex)
            {
                Fail(run, ex.Message);
            }
            catch (StepConfigurationException ex)
            {
                Fail(run, ex.Message);
            }
            state.MarkDirty(run);
        }

        private void Queue(StepRun run, DateTimeOffset runAt)
        {
            run.Status = StepRunStatus.Queued;
            run.RunAt = runAt;
            effects.Dispatch.Add(run);
        }

        private static DateTimeOffset DelayUntil(DelayStepConfig config, IExpressionContext context)
        {
            var now = context.TimeProvider.GetUtcNow();
            if (config.Until is { } untilTemplate)
            {
                var text = Template.Parse(untilTemplate).Evaluate(context).ToJsonNode()?.ToString();
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until))
                    throw new StepConfigurationException($"delay: 'until' is not a timestamp: '{text}'");
                return until.ToUniversalTime();
            }
            var durationValue = Template.Parse(config.Duration ?? "0").Evaluate(context).ToJsonNode();
            var duration = durationValue switch
            {
                JsonValue v when v.TryGetValue<double>(out var seconds) => TimeSpan.FromSeconds(seconds),
                _ => DurationParser.TryParse(durationValue?.ToString(), out var parsed)
                    ? parsed
                    : throw new StepConfigurationException($"delay: 'duration' is not a duration: '{durationValue}'"),
            };
            if (duration < TimeSpan.Zero) throw new StepConfigurationException("delay: 'duration' is negative");
            return now + duration;
        }

        private void ActivateCondition(StepRun run, ConditionStepConfig config, ScopeInstance scope)
        {
            var context = Context(scope);
            int matched = -1;
            for (int i = 0; i < config.Cases.Count; i++)
            {
                if (EvaluateCondition(config.Cases[i].When, context))
                {
                    matched = i;
                    break;
                }
            }
            var next = matched >= 0 ? config.Cases[matched].Next : config.Default;
            run.StartedAt = _now;
            var output = new JsonObject
            {
                ["matched_case"] = matched,
                ["next"] = new JsonArray(next.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
            };
            Succeed(run, EngineJson.ToElement(output), next);
        }

        private bool EvaluateCondition(string source, IExpressionContext context)
        {
            var value = source.Contains("${{", StringComparison.Ordinal)
                ? engine.Expressions.GetTemplate(source).Evaluate(context)
                : engine.Expressions.GetExpression(source).Evaluate(context);
            return value.IsTruthy;
        }

        private void ActivateLoop(StepRun run, LoopStepConfig config, ScopeInstance scope)
        {
            run.Status = StepRunStatus.Waiting;
            run.StartedAt = _now;
            if (config.Items is { } itemsTemplate)
            {
                var items = engine.Expressions.GetTemplate(itemsTemplate).Evaluate(Context(scope)).ToJsonNode();
                if (items is not JsonArray array)
                    throw new StepConfigurationException($"loop: 'items' must be an array, got {Describe(items)}");
                if (array.Count > config.MaxIterations)
                    throw new StepConfigurationException($"loop: {array.Count} items exceed max_iterations ({config.MaxIterations})");
                run.Inputs = EngineJson.ToElement(new JsonObject { ["items"] = array });
            }
            else
            {
                run.Inputs = EngineJson.ToElement(new JsonObject { ["while"] = config.While });
            }
            StartNextIterations(run, config, scope);
        }

        /// <summary>Starts iterations until the concurrency limit is reached or none are left; finishes the loop when all are done.</summary>
        /// <remarks>
        /// An iteration can finish while it is being opened (a body of conditions, say): closing its scope asks for
        /// the next iterations again. That nested request returns at once and this call's loop carries on, so the stack
        /// stays flat however many iterations finish without a worker (recursing here overflowed after a few thousand).
        /// </remarks>
        private void StartNextIterations(StepRun loop, LoopStepConfig config, ScopeInstance scope)
        {
            _advancing ??= [];
            if (!_advancing.Add(loop)) return;
            try
            {
                if (config.Items is not null) AdvanceForEach(loop, config, scope);
                else AdvanceWhile(loop, config, scope);
            }
            finally
            {
                _advancing.Remove(loop);
            }
        }

        private void AdvanceForEach(StepRun loop, LoopStepConfig config, ScopeInstance scope)
        {
            int count = loop.Inputs!.Value.GetProperty("items").GetArrayLength();
            while (loop.Status == StepRunStatus.Waiting && loop.ChildScopesOpened < count
                   && loop.ChildScopesOpened - loop.ChildScopesClosed < Math.Max(1, config.Concurrency))
            {
                OpenIteration(loop, scope, loop.ChildScopesOpened);
            }
            if (loop.Status == StepRunStatus.Waiting && loop.ChildScopesClosed == count)
                FinishLoop(loop, config);
        }

        /// <summary>While form: strictly sequential, the condition is evaluated before each iteration.</summary>
        private void AdvanceWhile(StepRun loop, LoopStepConfig config, ScopeInstance scope)
        {
            while (loop.Status == StepRunStatus.Waiting && loop.ChildScopesOpened == loop.ChildScopesClosed)
            {
                int index = loop.ChildScopesOpened;
                bool again;
                try
                {
                    again = EvaluateCondition(config.While!, Context(scope, loopOverride: (loop, index)));
                }
                catch (ExpressionException ex)
                {
                    // Evaluated after an iteration, outside any step's activation: the loop owns the failure.
                    Fail(loop, $"loop: cannot evaluate 'while': {ex.Message}");
                    return;
                }
                if (!again)
                {
                    FinishLoop(loop, config);
                    return;
                }
                if (index >= config.MaxIterations)
                {
                    Fail(loop, $"loop: exceeded max_iterations ({config.MaxIterations})");
                    return;
                }
                OpenIteration(loop, scope, index);
            }
        }

        private void OpenIteration(StepRun loop, ScopeInstance parent, int index)
        {
            var iteration = state.OpenScope(ScopeInstance.IterationKey(loop.Key, index), WorkflowPlan.LoopScopeId(loop.StepId), loop.Key, parent.Key, index, null);
            loop.ChildScopesOpened++;
            OpenScope(iteration);
        }

        private void FinishLoop(StepRun loop, LoopStepConfig config)
        {
            var results = new JsonArray();
            try
            {
                for (int i = 0; i < loop.ChildScopesOpened; i++)
                {
                    var iteration = state.Scope(ScopeInstance.IterationKey(loop.Key, i));
                    results.Add(config.Output is { } output
                        ? TemplateResolver.Resolve(output, Context(iteration), engine.Expressions)
                        : ScopeResult(iteration));
                }
            }
            catch (ExpressionException ex)
            {
                Fail(loop, $"loop: cannot evaluate 'output': {ex.Message}");
                return;
            }
            Succeed(loop, EngineJson.ToElement(new JsonObject { ["results"] = results, ["count"] = results.Count }));
        }

        /// <summary>A finished scope's result: its only succeeded sink step's output, or an object of all succeeded sinks' outputs.</summary>
        private JsonNode? ScopeResult(ScopeInstance scope)
        {
            var outputs = new List<(string Id, JsonElement? Output)>();
            foreach (var sink in plan.Scope(scope.ScopeId).Sinks)
            {
                if (state.TryGetRun(scope.StepKey(sink), out var run) && run.Status == StepRunStatus.Succeeded)
                    outputs.Add((sink, run.Output));
            }
            if (outputs.Count == 1) return ToNode(outputs[0].Output);
            var result = new JsonObject();
            foreach (var (id, output) in outputs) result[id] = ToNode(output);
            return result;
        }

        /// <summary>The step succeeded: apply its <c>set</c>, then continue with its next steps and, for a condition, the chosen case's.</summary>
        private void Succeed(StepRun run, JsonElement output, IReadOnlyList<string>? chosen = null)
        {
            var definition = plan.Step(run.StepId).Definition;
            if (definition.Set.Count > 0)
            {
                try
                {
                    var context = Context(state.Scope(run.ScopeKey), output: output);
                    var assigned = new List<(string, JsonNode?)>(definition.Set.Count);
                    foreach (var (name, template) in definition.Set)
                        assigned.Add((name, TemplateResolver.Resolve(template, context, engine.Expressions)));
                    foreach (var (name, value) in assigned) state.Vars[name] = value;
                    state.MarkChanged();
                }
                catch (ExpressionException ex)
                {
                    Fail(run, $"set: {ex.Message}");
                    return;
                }
            }
            IReadOnlyList<string> next = chosen is null
                ? definition.NextSteps
                : [.. chosen, .. definition.NextSteps.Where(n => !chosen.Contains(n, StringComparer.Ordinal))];
            Settle(run, StepRunStatus.Succeeded, output, next);
        }

        /// <summary>The step failed for good: continue with <c>on_failure</c>, or fail the scope.</summary>
        private void Fail(StepRun run, string message)
        {
            var definition = plan.Step(run.StepId).Definition;
            run.Error = message;
            if (definition.OnFailure is { } handler)
            {
                Settle(run, StepRunStatus.Failed, run.Output, [handler]);
                return;
            }
            run.Status = StepRunStatus.Failed;
            run.CompletedAt = _now;
            run.LeaseOwner = null;
            run.LeaseExpiresAt = null;
            state.MarkDirty(run);
            var scope = state.Scope(run.ScopeKey);
            scope.Settled++;
            FailScope(scope, run);
        }

        private void Settle(StepRun run, StepRunStatus status, JsonElement? output, IReadOnlyList<string> next)
        {
            run.Status = status;
            run.Output = output;
            run.Next = next;
            run.CompletedAt = _now;
            run.LeaseOwner = null;
            run.LeaseExpiresAt = null;
            state.MarkDirty(run);

            var scope = state.Scope(run.ScopeKey);
            scope.Settled++;
            foreach (var successorId in plan.Step(run.StepId).Successors)
            {
                if (scope.Closed) return;
                Decide(plan.Step(successorId), scope);
            }
            if (!scope.Closed && scope.Settled == plan.Scope(scope.ScopeId).StepIds.Count)
                CloseScope(scope);
        }

        /// <summary>Runs or skips a step once all its predecessors have settled.</summary>
        private void Decide(PlannedStep step, ScopeInstance scope)
        {
            if (state.TryGetRun(scope.StepKey(step.Id), out _)) return;
            bool chosen = false;
            foreach (var predecessorId in step.Predecessors)
            {
                if (!state.TryGetRun(scope.StepKey(predecessorId), out var predecessor) || !predecessor.Status.IsTerminal())
                    return;
                chosen |= predecessor.Next.Contains(step.Id, StringComparer.Ordinal);
            }
            if (chosen)
            {
                Activate(step, scope);
                return;
            }
            var skipped = state.AddRun(step, scope, _now);
            Settle(skipped, StepRunStatus.Skipped, null, []);
        }

        private void CloseScope(ScopeInstance scope)
        {
            scope.Closed = true;
            if (scope.ContainerKey is null)
            {
                CompleteExecution();
                return;
            }
            var container = state.Scope(scope.ParentKey!);
            var containerRun = state.TryGetRun(scope.ContainerKey, out var r) ? r : throw new InvalidOperationException($"No container '{scope.ContainerKey}'.");
            containerRun.ChildScopesClosed++;
            switch (plan.Step(containerRun.StepId).Definition.Config)
            {
                case LoopStepConfig loop:
                    StartNextIterations(containerRun, loop, container);
                    break;
                case ParallelStepConfig parallel when containerRun.ChildScopesClosed == parallel.Branches.Count:
                    if (containerRun.ChildScopesFailed > 0)
                    {
                        FailAfterAllBranches(containerRun, parallel);
                        break;
                    }
                    var output = new JsonObject();
                    foreach (var branch in parallel.Branches)
                        output[branch.Name] = ScopeResult(state.Scope(ScopeInstance.BranchKey(containerRun.Key, branch.Name)));
                    Succeed(containerRun, EngineJson.ToElement(output));
                    break;
            }
        }

        private void FailScope(ScopeInstance scope, StepRun cause)
        {
            scope.MarkFailed(cause);
            string message = scope.FailureMessage!;
            CancelActive(scope.Key);
            if (scope.ContainerKey is null)
            {
                FinishExecution(ExecutionStatus.Failed, null, message);
                return;
            }
            var containerRun = state.TryGetRun(scope.ContainerKey, out var r) ? r : throw new InvalidOperationException($"No container '{scope.ContainerKey}'.");
            containerRun.ChildScopesClosed++;
            containerRun.ChildScopesFailed++;
            var config = plan.Step(containerRun.StepId).Definition.Config;
            switch (config)
            {
                case LoopStepConfig:
                    CancelChildScopes(containerRun);
                    Fail(containerRun, $"iteration {scope.Index}: {message}");
                    break;
                case ParallelStepConfig { Mode: ParallelMode.FailFast }:
                    CancelChildScopes(containerRun);
                    Fail(containerRun, $"branch '{scope.Branch}': {message}");
                    break;
                case ParallelStepConfig parallel when containerRun.ChildScopesClosed == parallel.Branches.Count:
                    FailAfterAllBranches(containerRun, parallel);
                    break;
            }
        }

        /// <summary>wait_all: every branch has finished and at least one failed; the step fails naming each failed branch.</summary>
        private void FailAfterAllBranches(StepRun containerRun, ParallelStepConfig parallel)
        {
            var failed = parallel.Branches.Select(b => state.Scope(ScopeInstance.BranchKey(containerRun.Key, b.Name)))
                .Where(s => s.Failed).Select(s => $"branch '{s.Branch}': {s.FailureMessage}");
            Fail(containerRun, string.Join("; ", failed));
        }

        /// <summary>Cancels every open scope under a container and what runs in it.</summary>
        private void CancelChildScopes(StepRun container)
        {
            string prefix = container.Key;
            foreach (var scope in state.Scopes.Where(s => s.ContainerKey == prefix && !s.Closed).ToList())
            {
                scope.Closed = true;
                container.ChildScopesClosed++;
                CancelActive(scope.Key);
            }
        }

        /// <summary>Cancels every unsettled step in a scope and, recursively, in scopes nested under it.</summary>
        private void CancelActive(string scopeKey)
        {
            foreach (var run in state.Runs.Where(r => !r.Status.IsTerminal() && IsWithin(r.ScopeKey, scopeKey)).ToList())
                CancelRun(run);
            foreach (var nested in state.Scopes.Where(s => s.Key != scopeKey && IsWithin(s.Key, scopeKey)))
                nested.Closed = true;
        }

        private static bool IsWithin(string key, string scopeKey) =>
            scopeKey.Length == 0 || key == scopeKey || key.StartsWith(scopeKey + "/", StringComparison.Ordinal)
            || key.StartsWith(scopeKey + "[", StringComparison.Ordinal) || key.StartsWith(scopeKey + ".", StringComparison.Ordinal);

        private void CancelRun(StepRun run)
        {
            // A task this copy still sees as queued may have been claimed since: claims bypass the engine. Stopping a
            // task that runs nowhere is harmless, so queued ones are stopped too.
            if (run.Status is StepRunStatus.Running or StepRunStatus.Queued) effects.CancelTasks.Add(run.Id);
            if (run.Type == StepType.Subworkflow && run.State?["child_execution_id"]?.GetValue<string>() is { } child)
                effects.CancelChildren.Add(Guid.Parse(child));
            run.Status = StepRunStatus.Cancelled;
            run.CompletedAt = _now;
            run.LeaseOwner = null;
            run.LeaseExpiresAt = null;
            state.MarkDirty(run);
        }

        private void CompleteExecution()
        {
            var outputs = new JsonObject();
            try
            {
                var context = Context(state.Scope(""));
                foreach (var (name, template) in plan.Definition.Outputs)
                    outputs[name] = TemplateResolver.Resolve(template, context, engine.Expressions);
            }
            catch (ExpressionException ex)
            {
                FinishExecution(ExecutionStatus.Failed, null, $"outputs: {ex.Message}");
                return;
            }
            FinishExecution(ExecutionStatus.Succeeded, EngineJson.ToElement(outputs), null);
        }

        private void FinishExecution(ExecutionStatus status, JsonElement? outputs, string? error)
        {
            state.Status = status;
            state.Outputs = outputs;
            state.Error = error;
            state.CompletedAt = _now;
            state.MarkChanged();
            foreach (var scope in state.Scopes) scope.Closed = true;
            effects.Completed = new ExecutionOutcome(status, outputs, error);
        }

        private ExecutionExpressionContext Context(ScopeInstance scope, JsonElement? output = null, (StepRun Loop, int Index)? loopOverride = null) =>
            new(engine, state, plan, scope, output, loopOverride);

        private static JsonNode? ToNode(JsonElement? element) =>
            element is { } e ? JsonNode.Parse(e.GetRawText()) : null;

        private static string Describe(JsonNode? node) => node switch
        {
            null => "null",
            JsonObject => "an object",
            JsonValue v => v.GetValueKind() switch
            {
                JsonValueKind.String => "a string",
                JsonValueKind.Number => "a number",
                JsonValueKind.True or JsonValueKind.False => "a boolean",
                _ => "null",
            },
            _ => node.GetType().Name,
        };
    }
}

/// <summary>A step's configuration cannot be applied at run time (a template produced the wrong kind of value).</summary>
internal sealed class StepConfigurationException(string message) : Exception(message);
