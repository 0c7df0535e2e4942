namespace OpenClaw.Core.Definitions;

/// <summary>A problem found in a workflow definition.</summary>
/// <param name="Path">Where, as a JSON path into the definition, e.g. <c>$.steps[2].next_steps[0]</c>.</param>
/// <param name="Message">What is wrong, in plain words.</param>
/// <param name="Code">A stable machine-readable kind, e.g. <c>unknown-step</c>, <c>cycle</c>.</param>
public sealed record DefinitionError(string Path, string Message, string Code)
{
    public override string ToString() => $"{Path}: {Message}";
}
