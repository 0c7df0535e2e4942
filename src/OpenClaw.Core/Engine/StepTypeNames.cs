using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Engine;

/// <summary>Wire names of step types, as written in definitions and stored in the <c>tasks</c> table.</summary>
public static class StepTypeNames
{
    public static string ToWire(StepType type) => type switch
    {
        StepType.Plugin => "plugin",
        StepType.Condition => "condition",
        StepType.Loop => "loop",
        StepType.Parallel => "parallel",
        StepType.Delay => "delay",
        StepType.Subworkflow => "subworkflow",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static StepType Parse(string value) => value switch
    {
        "plugin" => StepType.Plugin,
        "condition" => StepType.Condition,
        "loop" => StepType.Loop,
        "parallel" => StepType.Parallel,
        "delay" => StepType.Delay,
        "subworkflow" => StepType.Subworkflow,
        _ => throw new FormatException($"Unknown step type '{value}'."),
    };
}
