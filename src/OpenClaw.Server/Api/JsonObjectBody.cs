using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OpenClaw.Server.Api;

/// <summary>
/// Reads a JSON object body by hand, so every problem (malformed JSON, a non-object, an unknown field, a value of the
/// wrong type) comes back as a validation problem keyed by the field's JSON path, and nothing is stored.
/// </summary>
internal sealed class JsonObjectBody
{
    private readonly JsonObject _body;
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    private JsonObject Body => _body;

    private JsonObjectBody(JsonObject body) => _body = body;

    /// <summary>The body, or a problem when it is not a JSON object or has a field not in <paramref name="fields"/>.</summary>
    public static async Task<(JsonObjectBody? Body, ValidationProblem? Problem)> ReadAsync(HttpRequest request, IReadOnlyCollection<string> fields, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        JsonNode? root;
        try
        {
            root = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Invalid("$", $"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1})."));
        }
        if (root is not JsonObject body)
            return (null, Problems.Invalid("$", $"The body must be a JSON object with the fields {string.Join(", ", fields)}."));
        var unknown = body.Select(p => p.Key).Where(k => !fields.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            return (null, Problems.Invalid("The request is invalid", unknown.ToDictionary(
                k => $"$.{k}", k => new[] { $"Unknown field '{k}'; the fields are {string.Join(", ", fields)}." })));
        }
        return (new JsonObjectBody(body), null);
    }

    public bool Has(string field) => Body.ContainsKey(field);

    /// <summary>A string field; records an error when it is missing (and <paramref name="required"/>), not a string, empty or too long.</summary>
    public string? String(string field, bool required = true, int maxLength = 256)
    {
        if (!Body.TryGetPropertyValue(field, out var node) || node is null)
        {
            if (required) Error(field, "Required.");
            return null;
        }
        if (node.GetValueKind() != JsonValueKind.String)
        {
            Error(field, $"Must be a string, not {Kind(node)}.");
            return null;
        }
        var value = node.GetValue<string>();
        if (value.Length == 0) Error(field, "Must not be empty.");
        else if (value.Length > maxLength) Error(field, $"Must be at most {maxLength} characters.");
        return value;
    }

    /// <summary>An integer field; records an error when it is not an integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? Int(string field, int min, int max)
    {
        if (!Body.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<int>(out var value))
        {
            Error(field, $"Must be a whole number, not {Kind(node)}.");
            return null;
        }
        if (value < min || value > max) Error(field, $"Must be between {min} and {max}.");
        return value;
    }

    public bool? Bool(string field)
    {
        if (!Body.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(field, $"Must be true or false, not {Kind(node)}.");
            return null;
        }
        return node.GetValue<bool>();
    }

    /// <summary>A date-time field (ISO 8601 string).</summary>
    public DateTimeOffset? Time(string field)
    {
        var text = String(field, required: false, maxLength: 64);
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var value))
            return value;
        Error(field, "Must be an ISO 8601 date-time such as 2030-01-31T00:00:00Z.");
        return null;
    }

    /// <summary>An array of strings, each one of <paramref name="allowed"/>.</summary>
    public IReadOnlyList<string>? Strings(string field, IReadOnlyCollection<string> allowed, bool required)
    {
        if (!Body.TryGetPropertyValue(field, out var node) || node is null)
        {
            if (required) Error(field, "Required.");
            return null;
        }
        if (node is not JsonArray array)
        {
            Error(field, $"Must be an array of strings, not {Kind(node)}.");
            return null;
        }
        var result = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not { } item || item.GetValueKind() != JsonValueKind.String)
            {
                Error($"{field}[{i}]", "Must be a string.");
                continue;
            }
            var value = item.GetValue<string>();
            if (!allowed.Contains(value)) Error($"{field}[{i}]", $"'{Clip(value)}' is not one of {string.Join(", ", allowed)}.");
            else if (!result.Contains(value)) result.Add(value);
        }
        return result;
    }

    /// <summary>Records a problem with <paramref name="field"/> (reported as <c>$.field</c>).</summary>
    public void Error(string field, string message) => _errors[$"$.{field}"] = [message];

    /// <summary>The problems recorded so far, or null when there are none.</summary>
    public ValidationProblem? Problem => _errors.Count == 0 ? null : Problems.Invalid("The request is invalid", _errors);

    private static string Kind(JsonNode node) => node.GetValueKind().ToString().ToLowerInvariant();

    private static string Clip(string value) => value.Length <= 64 ? value : value[..64] + "...";
}
