using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpenClaw.Server.Api;

/// <summary>
/// Reads a JSON object body by hand and collects every problem keyed by its JSON path (<c>$.name</c>), so a bad
/// request is answered with a validation problem naming each field at fault rather than a bare 400.
/// </summary>
internal sealed partial class JsonBodyReader
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    private JsonBodyReader(JsonObject body) => Body = body;

    public JsonObject Body { get; }

    public Dictionary<string, string[]>? Errors => _errors.Count == 0 ? null : _errors;

    /// <summary>Parses the body; unknown fields (not in <paramref name="keys"/>) are errors.</summary>
    public static async Task<(JsonBodyReader? Reader, Dictionary<string, string[]>? Errors)> ReadAsync(HttpRequest request, string[] keys, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return (null, One("$", "The body must be a JSON object."));
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            return (null, One("$", $"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1})."));
        }
        if (root is not JsonObject body) return (null, One("$", "The body must be a JSON object."));
        var result = new JsonBodyReader(body);
        foreach (var (name, _) in body)
        {
            if (!keys.Contains(name, StringComparer.Ordinal)) result.Error(name, $"Unknown field '{name}'; expected {string.Join(", ", keys)}.");
        }
        return (result, null);
    }

    public void Error(string field, string message) => _errors[$"$.{field}"] = [message];

    public bool Has(string field) => Body.ContainsKey(field);

    /// <summary>A string field: null when absent (an error when <paramref name="required"/>); checked for length, control characters and pattern.</summary>
    public string? String(string field, bool required, int maxLength, Regex? pattern = null, string? patternHint = null)
    {
        switch (Body[field])
        {
            case null when !Body.ContainsKey(field) && !required:
                return null;
            case null:
                if (required || Body.ContainsKey(field)) Error(field, required ? "Required: a string." : "Must be a string, not null.");
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                if (required && string.IsNullOrWhiteSpace(text)) Error(field, "Must not be empty.");
                else if (text.Length > maxLength) Error(field, $"At most {maxLength} characters.");
                else if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\t'))) Error(field, "Must not contain control characters.");
                else if (pattern is not null && !pattern.IsMatch(text)) Error(field, patternHint ?? $"Must match {pattern}.");
                else return text;
                return null;
            default:
                Error(field, "Must be a string.");
                return null;
        }
    }

    /// <summary>A boolean field, or <paramref name="fallback"/> when absent.</summary>
    public bool Bool(string field, bool fallback)
    {
        if (!Body.ContainsKey(field)) return fallback;
        if (Body[field] is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return value.GetValue<bool>();
        Error(field, "Must be true or false.");
        return fallback;
    }

    /// <summary>An integer field within a range, or <paramref name="fallback"/> when absent.</summary>
    public long? Integer(string field, long min, long max, long? fallback)
    {
        if (!Body.ContainsKey(field)) return fallback;
        if (Body[field] is JsonValue value && value.TryGetValue<long>(out var n) && n >= min && n <= max) return n;
        if (Body[field] is JsonValue v2 && v2.GetValueKind() == JsonValueKind.Number && v2.TryGetValue<double>(out var d) && d == Math.Floor(d) && d >= min && d <= max) return (long)d;
        Error(field, $"Must be a whole number from {min} to {max}.");
        return fallback;
    }

    /// <summary>A list of strings each from <paramref name="allowed"/> (compared as given), or null when absent.</summary>
    public IReadOnlyList<string>? Choices(string field, IReadOnlyCollection<string> allowed, bool required)
    {
        if (!Body.ContainsKey(field))
        {
            if (required) Error(field, $"Required: a list of {string.Join(", ", allowed)}.");
            return null;
        }
        if (Body[field] is not JsonArray array || array.Count == 0 || array.Count > allowed.Count * 2)
        {
            Error(field, $"Must be a non-empty list of {string.Join(", ", allowed)}.");
            return null;
        }
        var result = new List<string>();
        foreach (var item in array)
        {
            if (item is JsonValue v && v.GetValueKind() == JsonValueKind.String && allowed.Contains(v.GetValue<string>()))
            {
                if (!result.Contains(v.GetValue<string>())) result.Add(v.GetValue<string>());
                continue;
            }
            Error(field, $"Each entry must be one of {string.Join(", ", allowed)}.");
            return null;
        }
        return result;
    }

    /// <summary>Names: a letter, then letters, digits, <c>_</c>, <c>-</c> or <c>.</c>; at most 100.</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,99}$")]
    public static partial Regex NamePattern();

    public const string NameHint = "Must start with a letter and use only letters, digits, '_', '-' or '.' (at most 100).";

    private static Dictionary<string, string[]> One(string path, string message) => new(StringComparer.Ordinal) { [path] = [message] };
}
