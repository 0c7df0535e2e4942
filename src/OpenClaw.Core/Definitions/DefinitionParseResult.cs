namespace OpenClaw.Core.Definitions;

/// <summary>
/// The outcome of reading (and optionally validating) a definition: the model when it is usable, and every
/// problem found, so an editor can show them all at once instead of one per save.
/// </summary>
/// <param name="Definition">The parsed workflow; null whenever <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Every problem found, each with a JSON path, a plain message and a <see cref="DefinitionErrorCodes">code</see>.</param>
public sealed record DefinitionParseResult(WorkflowDefinition? Definition, IReadOnlyList<DefinitionError> Errors)
{
    /// <summary>True when a definition was produced and nothing is wrong with it.</summary>
    public bool IsValid => Definition is not null && Errors.Count == 0;

    /// <summary>Builds a result that withholds a half-read definition, so callers cannot run one by mistake.</summary>
    internal static DefinitionParseResult Of(WorkflowDefinition? definition, IReadOnlyList<DefinitionError> errors) =>
        new(errors.Count == 0 ? definition : null, errors);
}
