namespace OpenClaw.Core.Engine;

/// <summary>
/// A running instance of a scope: the top level, one loop iteration (<c>each[3]</c>) or one parallel branch
/// (<c>fan.a</c>). Derived from step rows on load, never stored itself.
/// </summary>
public sealed class ScopeInstance
{
    internal ScopeInstance(string key, string scopeId, string? containerKey, string? parentKey, int index, string? branch)
    {
        Key = key;
        ScopeId = scopeId;
        ContainerKey = containerKey;
        ParentKey = parentKey;
        Index = index;
        Branch = branch;
    }

    /// <summary>Empty for the top level.</summary>
    public string Key { get; }

    /// <summary>The scope's id in the plan.</summary>
    public string ScopeId { get; }

    /// <summary>The loop or parallel step instance that owns it.</summary>
    public string? ContainerKey { get; }

    /// <summary>The scope the container lives in.</summary>
    public string? ParentKey { get; }

    /// <summary>The loop iteration index, or -1.</summary>
    public int Index { get; }

    public string? Branch { get; }

    /// <summary>Step instances of this scope that have settled.</summary>
    internal int Settled { get; set; }

    /// <summary>Set once the scope has completed or failed; later events for it are ignored.</summary>
    internal bool Closed { get; set; }

    internal bool Failed { get; private set; }

    internal string? FailureMessage { get; private set; }

    /// <summary>Closes the scope as failed because <paramref name="cause"/> failed with no <c>on_failure</c> to take over.</summary>
    internal void MarkFailed(StepRun cause)
    {
        Closed = true;
        Failed = true;
        FailureMessage = $"step '{cause.Key}' failed: {cause.Error}";
    }

    /// <summary>The key of a step instance in this scope.</summary>
    public string StepKey(string stepId) => Key.Length == 0 ? stepId : Key + "/" + stepId;

    /// <summary>The scope key of loop iteration <paramref name="index"/> of the loop instance <paramref name="loopKey"/>.</summary>
    public static string IterationKey(string loopKey, int index) => $"{loopKey}[{index}]";

    /// <summary>The scope key of a branch of the parallel instance <paramref name="parallelKey"/>.</summary>
    public static string BranchKey(string parallelKey, string branch) => parallelKey + "." + branch;
}
