using System.Text.Json;

namespace OpenClaw.Core.Definitions;

/// <summary>One step of a workflow.</summary>
public sealed record StepDefinition
{
    /// <summary>The default per-attempt timeout, from the specification (300 s).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

    /// <summary>Unique across the whole workflow, nested steps included.</summary>
    public required string Id { get; init; }

    public required StepType Type { get; init; }

    /// <summary>Display name; defaults to the id.</summary>
    public string? Name { get; init; }

    /// <summary>The typed, type-specific configuration.</summary>
    public required StepConfig Config { get; init; }

    /// <summary>The raw <c>config</c> object as written, kept for round-tripping and plugin input resolution.</summary>
    public JsonElement RawConfig { get; init; }

    /// <summary>Steps that run after this one succeeds. A step with several predecessors waits for all of them (a join).</summary>
    public IReadOnlyList<string> NextSteps { get; init; } = [];

    /// <summary>A step that runs instead of <see cref="NextSteps"/> when this one fails after its retries, or null.</summary>
    public string? OnFailure { get; init; }

    /// <summary>Per-attempt timeout.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>Variables to assign when the step succeeds: name to template (with <c>output</c> in scope).</summary>
    public IReadOnlyDictionary<string, JsonElement> Set { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>
    /// Designer layout (e.g. <c>{ x, y }</c> on the canvas), or null. Opaque to the engine; kept so a saved workflow
    /// opens where its author left its steps.
    /// </summary>
    public JsonElement? Ui { get; init; }

    /// <summary>A JSONPath-like location of the step in its definition (e.g. <c>$.steps[2]</c>), for error messages.</summary>
    public string Path { get; init; } = "$";

    /// <summary>Every step id this step can hand control to: next steps, condition targets and the failure handler.</summary>
    public IEnumerable<string> Successors()
    {
        foreach (var next in NextSteps) yield return next;
        if (Config is ConditionStepConfig condition)
            foreach (var target in condition.Targets()) yield return target;
        if (OnFailure is not null) yield return OnFailure;
    }
}
