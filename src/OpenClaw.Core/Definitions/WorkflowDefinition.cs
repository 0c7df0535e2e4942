using System.Text.Json;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// A parsed workflow: what users write in JSON or YAML. Immutable; the engine compiles it into a
/// <see cref="Engine.WorkflowPlan"/> once per version.
/// </summary>
public sealed record WorkflowDefinition
{
    /// <summary>Stable identifier, e.g. <c>order-sync</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Human-readable name.</summary>
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The definition's own version number, as written by its author.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Declared inputs; values are checked against these before an execution starts.</summary>
    public IReadOnlyList<InputDefinition> Inputs { get; init; } = [];

    /// <summary>Named outputs, each a template evaluated when the execution succeeds, e.g. <c>${{ steps.b.output.total }}</c>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Initial variables, templates over <c>inputs</c>, stored with the execution.</summary>
    public IReadOnlyDictionary<string, JsonElement> Vars { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The top-level steps. Steps nested in loops and parallel branches live in their step's config.</summary>
    public IReadOnlyList<StepDefinition> Steps { get; init; } = [];

    /// <summary>A workflow started with the failure details when an execution fails (an "error workflow"), or null.</summary>
    public string? OnFailureWorkflow { get; init; }

    /// <summary>The queue every step of its executions waits in (see <c>docs/scheduler.md</c>); a paused queue is not claimed.</summary>
    public string Queue { get; init; } = DefaultQueue;

    /// <summary>
    /// At most this many executions of the workflow (per tenant) run at once; null is unlimited. An execution holds its
    /// slot from its first claimed step until it finishes, so the others wait in the queue.
    /// </summary>
    public int? Concurrency { get; init; }

    /// <summary>The queue of workflows that name none.</summary>
    public const string DefaultQueue = "default";

    /// <summary>Every step in the definition, nested ones included, depth first.</summary>
    public IEnumerable<StepDefinition> AllSteps() => Flatten(Steps);

    private static IEnumerable<StepDefinition> Flatten(IEnumerable<StepDefinition> steps)
    {
        foreach (var step in steps)
        {
            yield return step;
            foreach (var child in Flatten(step.Config.ChildScopes.SelectMany(scope => scope)))
                yield return child;
        }
    }
}
