using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Api;

/// <summary>
/// Reads the body of a start request by hand rather than through model binding, so every problem comes back as a
/// validation problem keyed by its JSON path (<c>$.inputs</c>, <c>$.priority</c>) instead of a bare 400.
/// </summary>
internal static class StartExecutionBodyReader
{
    private static readonly string[] Keys = ["inputs", "version", "priority"];

    /// <returns>The body (all fields null when the request has none), or the problems found.</returns>
    public static async Task<(StartExecutionBody? Body, Dictionary<string, string[]>? Errors)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return (new StartExecutionBody(null, null, null), null);

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            return (null, One("$", $"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1})."));
        }
        if (root is not JsonObject body) return (null, One("$", "The body must be a JSON object such as { \"inputs\": { ... } }."));

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, _) in body)
        {
            if (!Keys.Contains(name, StringComparer.Ordinal))
                errors[$"$.{name}"] = [$"Unknown field '{name}'; a start request has {string.Join(", ", Keys)}."];
        }

        JsonObject? inputs = null;
        switch (body["inputs"])
        {
            case null:
                break;
            case JsonObject o:
                inputs = o;
                break;
            default:
                errors["$.inputs"] = ["Must be an object of input names to values."];
                break;
        }

        int? version = null;
        if (body["version"] is { } v)
        {
            if (v is JsonValue value && value.TryGetValue<int>(out var n) && n >= 1) version = n;
            else errors["$.version"] = ["Must be a workflow version number (1 or more)."];
        }

        TaskPriority? priority = null;
        if (body["priority"] is { } p)
        {
            priority = p is JsonValue pv && pv.TryGetValue<string>(out var s) ? ParsePriority(s) : null;
            if (priority is null) errors["$.priority"] = ["Must be low, normal, high or critical."];
        }

        return errors.Count > 0 ? (null, errors) : (new StartExecutionBody(inputs, version, priority), null);
    }

    private static TaskPriority? ParsePriority(string value) => value.ToLowerInvariant() switch
    {
        "low" => TaskPriority.Low,
        "normal" => TaskPriority.Normal,
        "high" => TaskPriority.High,
        "critical" => TaskPriority.Critical,
        _ => null,
    };

    private static Dictionary<string, string[]> One(string path, string message) => new(StringComparer.Ordinal) { [path] = [message] };
}
