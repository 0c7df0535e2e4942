using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Server.Triggers;

/// <summary>
/// Turns a webhook request into workflow inputs. Mapping <c>body</c>: the JSON object body's fields are the inputs (an
/// empty body gives none). Mapping <c>request</c>: the workflow gets <c>body</c> (parsed JSON, or the text),
/// <c>headers</c> (lower-case names; credentials and signature headers removed), <c>query</c> (each parameter, a list when
/// repeated) and <c>method</c>, each only if the workflow declares an input of that name.
/// </summary>
internal static class WebhookInputs
{
    private static readonly HashSet<string> HiddenHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "cookie", "proxy-authorization", "x-api-key", WebhookSignature.SignatureHeader,
    };

    /// <returns>The inputs, or an error keyed by where it is (<c>$</c> for the body).</returns>
    public static (JsonObject? Inputs, string? Error) Map(string mapping, HttpRequest request, byte[] body, IReadOnlySet<string> declared)
    {
        if (mapping == "body")
        {
            if (body.Length == 0) return (new JsonObject(), null);
            var (parsed, error) = ParseJson(body);
            if (error is not null) return (null, error);
            return parsed is JsonObject inputs ? (inputs, null) : (null, "The body must be a JSON object whose fields are the workflow's inputs.");
        }

        var result = new JsonObject();
        if (declared.Contains("body"))
        {
            JsonNode? value = null;
            if (body.Length > 0)
            {
                if (IsJson(request.ContentType))
                {
                    var (parsed, error) = ParseJson(body);
                    if (error is not null) return (null, error);
                    value = parsed;
                }
                else
                {
                    value = JsonValue.Create(Encoding.UTF8.GetString(body));
                }
            }
            result["body"] = value;
        }
        if (declared.Contains("headers"))
        {
            var headers = new JsonObject();
            foreach (var (name, values) in request.Headers)
            {
                if (!HiddenHeaders.Contains(name)) headers[name.ToLowerInvariant()] = values.ToString();
            }
            result["headers"] = headers;
        }
        if (declared.Contains("query"))
        {
            var query = new JsonObject();
            foreach (var (name, values) in request.Query)
                query[name] = values.Count == 1 ? JsonValue.Create(values[0]) : new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
            result["query"] = query;
        }
        if (declared.Contains("method")) result["method"] = request.Method;
        return (result, null);
    }

    private static bool IsJson(string? contentType) =>
        contentType is null || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase);

    private static (JsonNode? Value, string? Error) ParseJson(byte[] body)
    {
        try
        {
            return (JsonNode.Parse(body), null);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}).");
        }
    }
}
