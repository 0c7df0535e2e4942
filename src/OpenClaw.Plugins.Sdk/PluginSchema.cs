using System.Text.Json.Nodes;

namespace OpenClaw.Plugins.Sdk;

/// <summary>
/// The declared shape of a plugin's inputs or outputs: a flat list of fields, enough for the designer to build a form
/// and for the validator to report missing required inputs before a workflow runs.
/// </summary>
public sealed record PluginSchema(IReadOnlyList<PluginField> Fields)
{
    /// <summary>A schema with no declared fields; anything is accepted.</summary>
    public static PluginSchema Empty { get; } = new([]);

    /// <summary>Builds a schema from fields.</summary>
    public static PluginSchema Of(params PluginField[] fields) => new(fields);

    /// <summary>The names of the required fields.</summary>
    public IEnumerable<string> Required => Fields.Where(f => f.Required).Select(f => f.Name);

    /// <summary>The schema as a JSON Schema object (draft 2020-12 subset), for forms and documentation.</summary>
    public JsonObject ToJsonSchema()
    {
        var properties = new JsonObject();
        foreach (var field in Fields)
        {
            var property = new JsonObject { ["type"] = field.Type };
            if (field.Description is { } description) property["description"] = description;
            if (field.Default is { } value) property["default"] = value.DeepClone();
            if (field.Enum is { Count: > 0 } values) property["enum"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
            properties[field.Name] = property;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(Required.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
        };
    }
}

/// <summary>One input or output field.</summary>
/// <param name="Name">Field name as used in <c>config.inputs</c>.</param>
/// <param name="Type">JSON Schema type: <c>string</c>, <c>number</c>, <c>integer</c>, <c>boolean</c>, <c>object</c>, <c>array</c>, or <c>any</c>.</param>
/// <param name="Required">Whether a step must provide it.</param>
/// <param name="Description">Help text for the form.</param>
/// <param name="Default">Value used when the step omits it.</param>
/// <param name="Enum">Allowed values for a string field.</param>
public sealed record PluginField(
    string Name,
    string Type,
    bool Required = false,
    string? Description = null,
    JsonNode? Default = null,
    IReadOnlyList<string>? Enum = null);
