using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Api;

/// <summary>
/// The one reader of JSON request bodies: every endpoint taking a JSON object reads it here, by hand rather than through
/// model binding, so every problem is a validation problem keyed by its JSON path (<c>$</c> for the body itself,
/// <c>$.name</c>, <c>$.scopes[1]</c>) and the endpoint stores nothing until the reader has no errors.
/// </summary>
/// <remarks>
/// What it checks: the content type (JSON, or none at all; anything else is 415), the size (the server-wide
/// <c>MaxRequestBodyBytes</c>, enforced by Kestrel while reading: 413), the syntax (400 at <c>$</c> with the path, line and
/// column of the fault), the shape (a JSON object), unknown fields, and each field's type, length, control characters
/// and pattern through the typed accessors. The 413 and 415 answers are thrown as <see cref="BadHttpRequestException"/>
/// and written by <c>BadRequestExceptionHandler</c>, so every endpoint answers them alike without declaring them.
/// </remarks>
internal sealed partial class JsonRequestBody
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);
    private readonly string _title;

    private JsonRequestBody(JsonObject root, string title)
    {
        Root = root;
        _title = title;
    }

    /// <summary>The body as parsed.</summary>
    public JsonObject Root { get; }

    /// <summary>The problems recorded so far keyed by JSON path, or null when there are none.</summary>
    public Dictionary<string, string[]>? Errors => _errors.Count == 0 ? null : _errors;

    /// <summary>The problems recorded so far as a validation problem, or null when there are none.</summary>
    public ValidationProblem? Problem => _errors.Count == 0 ? null : Problems.Invalid(_title, _errors);

    /// <summary>
    /// Reads the body. A problem (with <paramref name="title"/>) when it is not JSON or not an object; unknown fields (not
    /// in <paramref name="fields"/>) are recorded as errors on the body, so they come back with the other problems.
    /// </summary>
    /// <param name="optional">An empty body reads as <c>{}</c> (for requests whose fields all have defaults).</param>
    /// <exception cref="BadHttpRequestException">415 for a content type other than JSON; 413 past the server's body limit.</exception>
    public static async Task<(JsonRequestBody? Body, ValidationProblem? Problem)> ReadAsync(
        HttpRequest request, IReadOnlyCollection<string> fields, CancellationToken ct, string title = "The request is invalid", bool optional = false)
    {
        var text = await ReadTextAsync(request, ct);
        if (string.IsNullOrWhiteSpace(text))
        {
            return optional
                ? (new JsonRequestBody([], title), null)
                : (null, Problems.Invalid(title, One("$", $"The body must be a JSON object with the fields {string.Join(", ", fields)}.")));
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Invalid(title, One("$", SyntaxError(ex))));
        }
        if (root is not JsonObject body)
            return (null, Problems.Invalid(title, One("$", $"The body must be a JSON object with the fields {string.Join(", ", fields)}, not {(root is null ? "null" : Kind(root))}.")));
        var result = new JsonRequestBody(body, title);
        foreach (var (name, _) in body)
        {
            if (!fields.Contains(name)) result.Error(name, $"Unknown field '{Clip(name)}'; the fields are {string.Join(", ", fields)}.");
        }
        return (result, null);
    }

    /// <summary>The body as text, after the content-type check; Kestrel's body-size limit applies while reading.</summary>
    /// <exception cref="BadHttpRequestException">415 for a content type other than JSON.</exception>
    public static async Task<string> ReadTextAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is { Length: > 0 } contentType && !IsJson(contentType))
        {
            throw new BadHttpRequestException(
                $"Send the body as JSON, with Content-Type application/json (got '{Clip(contentType)}').", StatusCodes.Status415UnsupportedMediaType);
        }
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(ct);
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type) && type.MediaType.Value is { } media &&
        (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Equals("text/json", StringComparison.OrdinalIgnoreCase) ||
         media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>Where the parser stopped: the JSON path it had reached, the line and column (both from 1), and why.</summary>
    private static string SyntaxError(JsonException ex)
    {
        var reason = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.');
        return $"The body is not valid JSON: at {ex.Path ?? "$"} (line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}): {reason}.";
    }

    public bool Has(string field) => Root.ContainsKey(field);

    /// <summary>Records a problem with <paramref name="field"/> (reported as <c>$.field</c>).</summary>
    public void Error(string field, string message) => _errors[$"$.{field}"] = [message];

    /// <summary>Records a problem at a full JSON path (<c>$.inputs.count</c>).</summary>
    public void ErrorAt(string path, string message) => _errors[path] = [message];

    /// <summary>
    /// A string field, or null when absent (or JSON null) or invalid (an error is recorded): required and missing or
    /// blank, empty (unless <paramref name="allowEmpty"/>), not a string, longer than <paramref name="maxLength"/>, holding
    /// control characters (line breaks and tabs only when <paramref name="multiline"/>), or not matching <paramref name="pattern"/>.
    /// </summary>
    public string? String(
        string field, bool required = false, int maxLength = 256, Regex? pattern = null, string? patternHint = null, bool multiline = false, bool allowEmpty = false)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null)
        {
            if (required) Error(field, "Required: a string.");
            return null;
        }
        if (node.GetValueKind() != JsonValueKind.String)
        {
            Error(field, $"Must be a string, not {Kind(node)}.");
            return null;
        }
        var text = node.GetValue<string>();
        if (text.Length == 0 ? !allowEmpty : required && string.IsNullOrWhiteSpace(text)) Error(field, "Must not be empty.");
        else if (text.Length > maxLength) Error(field, $"At most {maxLength} characters.");
        else if (text.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))) Error(field, "Must not contain control characters.");
        else if (pattern is not null && !pattern.IsMatch(text)) Error(field, patternHint ?? $"Must match {pattern}.");
        else return text;
        return null;
    }

    /// <summary>A boolean field, or null when absent (or JSON null).</summary>
    public bool? Bool(string field)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return node.GetValue<bool>();
        Error(field, $"Must be true or false, not {Kind(node)}.");
        return null;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or null when absent (or JSON null).</summary>
    public long? Integer(string field, long min, long max, bool required = false)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null)
        {
            if (required) Error(field, $"Required: a whole number from {min} to {max}.");
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            if (value.TryGetValue<long>(out var n) && n >= min && n <= max) return n;
            if (value.TryGetValue<double>(out var d) && d == Math.Floor(d) && d >= min && d <= max) return (long)d;
        }
        Error(field, $"Must be a whole number from {min} to {max}, not {Describe(node)}.");
        return null;
    }

    /// <inheritdoc cref="Integer"/>
    public int? Int(string field, int min, int max, bool required = false) => (int?)Integer(field, min, max, required);

    /// <summary>A date-time field (an ISO 8601 string), or null when absent.</summary>
    public DateTimeOffset? Time(string field)
    {
        var text = String(field, maxLength: 64);
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)) return value;
        Error(field, "Must be an ISO 8601 date-time such as 2030-01-31T00:00:00Z.");
        return null;
    }

    /// <summary>An object field, or null when absent (or JSON null).</summary>
    public JsonObject? Object(string field)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node is JsonObject o) return o;
        Error(field, $"Must be an object, not {Kind(node)}.");
        return null;
    }

    /// <summary>A task priority (<c>low</c>, <c>normal</c>, <c>high</c> or <c>critical</c>), or null when absent.</summary>
    public TaskPriority? Priority(string field)
    {
        var text = String(field, maxLength: 16);
        if (text is null) return null;
        if (text.All(char.IsAsciiLetter) && Enum.TryParse<TaskPriority>(text, ignoreCase: true, out var priority)) return priority;
        Error(field, "Must be low, normal, high or critical.");
        return null;
    }

    /// <summary>
    /// A list of strings, each one of <paramref name="allowed"/> (a bad entry is reported at its index:
    /// <c>$.scopes[1]</c>), without repeats; null when absent (an error when <paramref name="required"/>).
    /// </summary>
    public IReadOnlyList<string>? Strings(string field, IReadOnlyCollection<string> allowed, bool required, bool allowEmpty = false, int maxCount = 100)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null)
        {
            if (required) Error(field, $"Required: a list of {string.Join(", ", allowed)}.");
            return null;
        }
        if (node is not JsonArray array || (array.Count == 0 && !allowEmpty) || array.Count > maxCount)
        {
            Error(field, $"Must be a{(allowEmpty ? "" : " non-empty")} list (at most {maxCount}) of {string.Join(", ", allowed)}, not {Describe(node)}.");
            return null;
        }
        var result = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue item || item.GetValueKind() != JsonValueKind.String)
            {
                Error($"{field}[{i}]", $"Must be a string, not {(array[i] is null ? "null" : Kind(array[i]!))}.");
                continue;
            }
            var value = item.GetValue<string>();
            if (!allowed.Contains(value)) Error($"{field}[{i}]", $"'{Clip(value)}' is not one of {string.Join(", ", allowed)}.");
            else if (!result.Contains(value)) result.Add(value);
        }
        return result;
    }

    /// <summary>Names: a letter, then letters, digits, <c>_</c>, <c>-</c> or <c>.</c>; at most 100.</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,99}$")]
    public static partial Regex NamePattern();

    public const string NameHint = "Must start with a letter and use only letters, digits, '_', '-' or '.' (at most 100).";

    private static string Kind(JsonNode node) => node.GetValueKind().ToString().ToLowerInvariant();

    private static string Describe(JsonNode node) => node is JsonArray a ? $"an array of {a.Count}" : Kind(node);

    private static string Clip(string value)
    {
        var printable = new string([.. value.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
        return value.Length <= 64 ? printable : printable + "...";
    }

    private static Dictionary<string, string[]> One(string path, string message) => new(StringComparer.Ordinal) { [path] = [message] };
}
