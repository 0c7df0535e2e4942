using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Server.Scheduling;

/// <summary>
/// Reads a small JSON request body by hand, so every problem comes back keyed by its JSON path (<c>$.cron</c>) rather
/// than as a bare 400 from model binding: unknown fields, wrong types, missing required fields.
/// </summary>
internal sealed class JsonBody
{
    private JsonBody(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>An empty body reads as an empty object.</summary>
    public static async Task<(JsonBody? Body, Dictionary<string, string[]>? Errors)> ReadAsync(HttpRequest request, string[] keys, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return (new JsonBody([]), null);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            return (null, new() { ["$"] = [$"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1})."] });
        }
        if (root is not JsonObject o) return (null, new() { ["$"] = ["The body must be a JSON object."] });
        var body = new JsonBody(o);
        foreach (var (name, _) in o)
        {
            if (!keys.Contains(name, StringComparer.Ordinal))
                body.Errors[$"$.{name}"] = [$"Unknown field '{name}'; expected {string.Join(", ", keys)}."];
        }
        return (body, null);
    }

    public bool Has(string key) => Root.ContainsKey(key);

    public void Error(string key, string message) => Errors[$"$.{key}"] = [message];

    public string? String(string key, bool required = false)
    {
        switch (Root[key])
        {
            case null when required:
                Error(key, "Required.");
                return null;
            case null:
                return null;
            case JsonValue v when v.TryGetValue<string>(out var s):
                return s;
            default:
                Error(key, "Must be a string.");
                return null;
        }
    }

    public bool? Bool(string key)
    {
        if (Root[key] is null) return null;
        if (Root[key] is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
        Error(key, "Must be true or false.");
        return null;
    }

    public JsonObject? Object(string key)
    {
        switch (Root[key])
        {
            case null:
                return null;
            case JsonObject o:
                return o;
            default:
                Error(key, "Must be an object.");
                return null;
        }
    }
}
