using System.Text.Json;

namespace OpenClaw.Core.Definitions;

/// <summary>The type-specific part of a step.</summary>
public abstract record StepConfig
{
    /// <summary>Sub-graphs owned by this step (a loop's body, a parallel step's branches).</summary>
    public virtual IEnumerable<IReadOnlyList<StepDefinition>> ChildScopes => [];
}

/// <summary>Calls <see cref="Plugin"/> with <see cref="Inputs"/> (a JSON object whose strings may hold templates).</summary>
/// <param name="Plugin">The plugin name, e.g. <c>http-request</c>.</param>
/// <param name="Version">A pinned plugin version, or null to float to the newest enabled one.</param>
/// <param name="Inputs">The plugin's inputs.</param>
public sealed record PluginStepConfig(string Plugin, string? Version, JsonElement Inputs) : StepConfig;

/// <summary>Evaluates cases in order and continues with the first whose <c>when</c> is truthy, else <see cref="Default"/>.</summary>
public sealed record ConditionStepConfig(IReadOnlyList<ConditionCase> Cases, IReadOnlyList<string> Default) : StepConfig
{
    /// <summary>Every step a case or the default can lead to.</summary>
    public IEnumerable<string> Targets() => Cases.SelectMany(c => c.Next).Concat(Default).Distinct(StringComparer.Ordinal);
}

/// <summary>One branch of a condition.</summary>
/// <param name="When">An expression, with or without <c>${{ }}</c>.</param>
/// <param name="Next">The steps to continue with when it holds.</param>
public sealed record ConditionCase(string When, IReadOnlyList<string> Next);

/// <summary>
/// Runs <see cref="Steps"/> once per element of <see cref="Items"/> (up to <see cref="Concurrency"/> at a time), or
/// repeatedly while <see cref="While"/> holds (sequentially, at most <see cref="MaxIterations"/> times).
/// The step's output is <c>{ "results": [...] }</c>, one entry per iteration in order.
/// </summary>
/// <param name="Items">For-each form: a template yielding an array.</param>
/// <param name="While">While form: an expression evaluated before each iteration.</param>
/// <param name="Concurrency">For-each form: iterations in flight at once (at least 1).</param>
/// <param name="MaxIterations">A guard: more iterations than this fail the step.</param>
/// <param name="Steps">The body, a sub-graph run once per iteration.</param>
/// <param name="Output">A template evaluated per iteration to give its result; by default the body's last step's output.</param>
public sealed record LoopStepConfig(
    string? Items,
    string? While,
    int Concurrency,
    int MaxIterations,
    IReadOnlyList<StepDefinition> Steps,
    JsonElement? Output) : StepConfig
{
    /// <summary>The default iteration guard.</summary>
    public const int DefaultMaxIterations = 10_000;

    public override IEnumerable<IReadOnlyList<StepDefinition>> ChildScopes => [Steps];
}

/// <summary>Runs every branch side by side; the step completes when all have (its output maps branch name to result).</summary>
public sealed record ParallelStepConfig(IReadOnlyList<ParallelBranch> Branches, ParallelMode Mode) : StepConfig
{
    public override IEnumerable<IReadOnlyList<StepDefinition>> ChildScopes => Branches.Select(b => b.Steps);
}

/// <summary>A named branch of a parallel step.</summary>
public sealed record ParallelBranch(string Name, IReadOnlyList<StepDefinition> Steps);

/// <summary>What a parallel step does when a branch fails.</summary>
public enum ParallelMode
{
    /// <summary>Let every branch finish, then fail if any failed.</summary>
    WaitAll,

    /// <summary>Cancel the other branches and fail as soon as one fails.</summary>
    FailFast,
}

/// <summary>Waits durably: for <see cref="Duration"/> (e.g. <c>30s</c>, <c>PT5M</c>) or until <see cref="Until"/> (an ISO-8601 timestamp). Both may be templates.</summary>
public sealed record DelayStepConfig(string? Duration, string? Until) : StepConfig;

/// <summary>Starts workflow <see cref="Workflow"/> with <see cref="Inputs"/> and waits for its outputs.</summary>
/// <param name="Workflow">The child workflow's id.</param>
/// <param name="Version">A pinned version, or null for the latest.</param>
/// <param name="Inputs">The child's inputs (templates allowed).</param>
public sealed record SubworkflowStepConfig(string Workflow, int? Version, JsonElement Inputs) : StepConfig;
