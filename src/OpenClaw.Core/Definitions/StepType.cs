namespace OpenClaw.Core.Definitions;

/// <summary>The kinds of step (the specification's five, plus sub-workflows).</summary>
public enum StepType
{
    /// <summary>Calls a plugin with inputs.</summary>
    Plugin,

    /// <summary>Branches by expression: several cases plus a default.</summary>
    Condition,

    /// <summary>For-each over an array (with a concurrency limit) or while an expression holds.</summary>
    Loop,

    /// <summary>Runs branches side by side and joins them.</summary>
    Parallel,

    /// <summary>Waits for a duration or until a timestamp, durably.</summary>
    Delay,

    /// <summary>Runs another workflow and waits for its outputs.</summary>
    Subworkflow,
}
