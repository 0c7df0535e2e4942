namespace OpenClaw.Core.Definitions;

/// <summary>
/// The text formats a workflow definition can be written in. Both describe the same model: YAML is read into
/// a JSON tree first, so every rule and error path is shared.
/// </summary>
public enum DefinitionFormat
{
    /// <summary>JSON (comments and trailing commas are tolerated, since people write these by hand).</summary>
    Json,

    /// <summary>YAML 1.2 (core schema: quoted scalars stay strings; plain ones become numbers, booleans or null).</summary>
    Yaml,
}
