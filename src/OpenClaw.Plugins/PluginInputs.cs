using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins;

/// <summary>
/// Typed reads of step inputs. Every problem becomes a non-retryable <see cref="PluginException"/> naming the input,
/// because a bad input fails the same way on every attempt.
/// </summary>
internal static class PluginInputs
{
    public static PluginException Invalid(string message) => new(message, retryable: false);

    public static string RequireString(JsonObject inputs, string name) =>
        OptionalString(inputs, name) ?? throw Invalid($"input '{name}' is required");

    public static string? OptionalString(JsonObject inputs, string name)
    {
        if (!inputs.TryGetPropertyValue(name, out var node) || node is null) return null;
        return AsString(node) ?? throw Invalid($"input '{name}' must be a string, got {Describe(node)}");
    }

    public static bool OptionalBool(JsonObject inputs, string name, bool defaultValue)
    {
        if (!inputs.TryGetPropertyValue(name, out var node) || node is null) return defaultValue;
        if (node is JsonValue value)
        {
            if (value.TryGetValue<bool>(out var b)) return b;
            // Expressions often resolve to text; "true"/"false" is unambiguous enough to accept.
            if (value.TryGetValue<string>(out var s) && bool.TryParse(s, out b)) return b;
        }
        throw Invalid($"input '{name}' must be true or false, got {Describe(node)}");
    }

    public static JsonObject? OptionalObject(JsonObject inputs, string name)
    {
        if (!inputs.TryGetPropertyValue(name, out var node) || node is null) return null;
        return node as JsonObject ?? throw Invalid($"input '{name}' must be an object, got {Describe(node)}");
    }

    /// <summary>The text of a string value, or <see langword="null"/> when the node is not a JSON string.</summary>
    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? StringOf(value) : null;

    /// <summary>
    /// The text form of a scalar (strings as is, numbers and booleans as written in JSON), or <see langword="null"/>
    /// for objects, arrays and null. Used where the wire format is text: headers, query strings, form fields.
    /// </summary>
    public static string? ScalarText(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        return value.GetValueKind() switch
        {
            JsonValueKind.String => StringOf(value),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    // A value built in code may wrap a CLR type (DateTime, Guid) that serializes as a string but is not stored as one.
    private static string StringOf(JsonValue value) =>
        value.TryGetValue<string>(out var text) ? text : JsonSerializer.Deserialize<string>(value.ToJsonString()) ?? "";

    /// <summary>A short description of a node's kind for error messages, e.g. "a number".</summary>
    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            var kind => kind.ToString().ToLower(CultureInfo.InvariantCulture),
        },
        _ => "an unknown value",
    };
}
