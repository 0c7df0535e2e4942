using System.Text.Json;

namespace OpenClaw.Core.Definitions;

/// <summary>A declared workflow input.</summary>
/// <param name="Name">The name used as <c>inputs.&lt;name&gt;</c>.</param>
/// <param name="Type">The JSON type a value must have.</param>
/// <param name="Required">Whether a caller must supply it (a default satisfies it).</param>
/// <param name="Default">Value used when the caller omits it.</param>
/// <param name="Description">Help text for run forms.</param>
public sealed record InputDefinition(string Name, ValueType Type, bool Required, JsonElement? Default, string? Description);

/// <summary>The value types inputs can declare.</summary>
public enum ValueType
{
    Any,
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
}
