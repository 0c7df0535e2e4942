using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Engine;

/// <summary>
/// A workflow definition compiled for execution: every step indexed by id with its scope, predecessors and
/// successors. Built once per stored workflow version and shared by all its executions (immutable, thread-safe).
/// </summary>
public sealed class WorkflowPlan
{
    private readonly Dictionary<string, PlannedStep> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PlannedScope> _scopes = new(StringComparer.Ordinal);

    private WorkflowPlan(WorkflowDefinition definition, int storedVersion)
    {
        Definition = definition;
        StoredVersion = storedVersion;
        AddScope(TopScopeId, containerStepId: null, branch: null, definition.Steps);
    }

    /// <summary>The id of the top-level scope.</summary>
    public const string TopScopeId = "";

    public WorkflowDefinition Definition { get; }

    /// <summary>The version number under which the workflow store keeps this definition.</summary>
    public int StoredVersion { get; }

    public PlannedStep Step(string id) =>
        _steps.TryGetValue(id, out var step) ? step : throw new KeyNotFoundException($"Workflow '{Definition.Id}' has no step '{id}'.");

    public bool TryGetStep(string id, out PlannedStep step) => _steps.TryGetValue(id, out step!);

    public PlannedScope Scope(string scopeId) => _scopes[scopeId];

    /// <summary>Compiles a definition that has passed validation.</summary>
    /// <exception cref="ArgumentException">The definition has duplicate step ids or edges to unknown steps.</exception>
    public static WorkflowPlan Compile(WorkflowDefinition definition, int storedVersion) => new(definition, storedVersion);

    /// <summary>The scope id of a loop's body.</summary>
    public static string LoopScopeId(string loopStepId) => loopStepId;

    /// <summary>The scope id of a parallel step's branch.</summary>
    public static string BranchScopeId(string parallelStepId, string branch) => parallelStepId + "." + branch;

    private void AddScope(string scopeId, string? containerStepId, string? branch, IReadOnlyList<StepDefinition> steps)
    {
        var ids = new List<string>(steps.Count);
        foreach (var step in steps)
        {
            if (_steps.ContainsKey(step.Id))
                throw new ArgumentException($"Step id '{step.Id}' is used more than once.", nameof(steps));
            _steps[step.Id] = new PlannedStep(step, scopeId);
            ids.Add(step.Id);
        }

        foreach (var step in steps)
        {
            foreach (var successor in step.Successors().Distinct(StringComparer.Ordinal))
            {
                if (!_steps.TryGetValue(successor, out var target) || target.ScopeId != scopeId)
                    throw new ArgumentException($"Step '{step.Id}' leads to '{successor}', which is not a step of the same scope.", nameof(steps));
                _steps[step.Id].SuccessorList.Add(successor);
                target.PredecessorList.Add(step.Id);
            }
        }

        var entries = ids.Where(id => _steps[id].PredecessorList.Count == 0).ToArray();
        var sinks = ids.Where(id => _steps[id].SuccessorList.Count == 0).ToArray();
        _scopes[scopeId] = new PlannedScope(scopeId, containerStepId, branch, ids, entries, sinks);

        foreach (var step in steps)
        {
            switch (step.Config)
            {
                case LoopStepConfig loop:
                    AddScope(LoopScopeId(step.Id), step.Id, null, loop.Steps);
                    break;
                case ParallelStepConfig parallel:
                    foreach (var b in parallel.Branches)
                        AddScope(BranchScopeId(step.Id, b.Name), step.Id, b.Name, b.Steps);
                    break;
            }
        }
    }
}

/// <summary>A step with its place in the graph.</summary>
public sealed class PlannedStep
{
    internal PlannedStep(StepDefinition definition, string scopeId)
    {
        Definition = definition;
        ScopeId = scopeId;
    }

    public StepDefinition Definition { get; }

    public string Id => Definition.Id;

    /// <summary>The scope the step belongs to (<see cref="WorkflowPlan.TopScopeId"/> at top level).</summary>
    public string ScopeId { get; }

    internal List<string> PredecessorList { get; } = [];

    internal List<string> SuccessorList { get; } = [];

    /// <summary>Steps with an edge into this one; it runs when all have settled and at least one chose it (a join).</summary>
    public IReadOnlyList<string> Predecessors => PredecessorList;

    /// <summary>Every step this one can lead to, distinct.</summary>
    public IReadOnlyList<string> Successors => SuccessorList;
}

/// <summary>A sub-graph: the top level, a loop's body, or a parallel branch.</summary>
/// <param name="Id">Scope id: empty for the top level, the loop's step id, or <c>parallelId.branch</c>.</param>
/// <param name="ContainerStepId">The loop or parallel step that owns it, or null at top level.</param>
/// <param name="Branch">The branch name for a parallel branch.</param>
/// <param name="StepIds">The steps in the scope.</param>
/// <param name="EntrySteps">Steps with no predecessor: they start the scope.</param>
/// <param name="Sinks">Steps with no successor: their outputs make the scope's result.</param>
public sealed record PlannedScope(
    string Id,
    string? ContainerStepId,
    string? Branch,
    IReadOnlyList<string> StepIds,
    IReadOnlyList<string> EntrySteps,
    IReadOnlyList<string> Sinks);
