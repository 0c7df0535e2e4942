using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Plugins.Http;

/// <summary>Builds the request content for each <c>body_type</c>.</summary>
internal static class HttpBodies
{
    // Request bodies are not embedded in HTML, so escaping non-ASCII characters would only make them larger.
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The content for <paramref name="body"/>, or <see langword="null"/> when there is none to send.</summary>
    /// <exception cref="OpenClaw.Plugins.Sdk.PluginException">The body does not suit the body type (never retryable).</exception>
    /// <remarks>A missing or null body sends no content whatever the body type, rather than a literal <c>null</c>.</remarks>
    public static HttpContent? Create(string bodyType, JsonNode? body) => bodyType switch
    {
        _ when body is null => null,
        "none" => null,
        "json" => new StringContent(body.ToJsonString(JsonOptions), Encoding.UTF8, "application/json"),
        "text" => new StringContent(PluginInputs.AsString(body) ?? body.ToJsonString(JsonOptions), Encoding.UTF8, "text/plain"),
        "form" => Form(body),
        "multipart" => Multipart(body),
        _ => throw new ArgumentOutOfRangeException(nameof(bodyType), bodyType, "unknown body type"),
    };

    private static HttpContent Form(JsonNode? body)
    {
        // A string is taken as an already encoded form, e.g. one produced by an earlier step.
        if (PluginInputs.AsString(body) is { } encoded)
            return new StringContent(encoded, Encoding.UTF8, "application/x-www-form-urlencoded");
        if (body is not JsonObject fields)
            throw PluginInputs.Invalid($"a form body must be an object of fields or an encoded string; got {PluginInputs.Describe(body)}");

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (name, node) in fields)
        {
            if (node is null) continue;
            foreach (var value in ValuesOf(node))
            {
                var text = PluginInputs.ScalarText(value) ?? throw PluginInputs.Invalid(
                    $"form field '{name}' must be a string, number, boolean or an array of them; got {PluginInputs.Describe(value)}");
                pairs.Add(new(name, text));
            }
        }
        return new FormUrlEncodedContent(pairs);
    }

    private static MultipartFormDataContent Multipart(JsonNode? body)
    {
        if (body is not JsonObject fields)
            throw PluginInputs.Invalid($"a multipart body must be an object of fields; got {PluginInputs.Describe(body)}");

        var content = new MultipartFormDataContent();
        try
        {
            foreach (var (name, node) in fields)
            {
                if (node is null) continue;
                foreach (var value in ValuesOf(node))
                    AddPart(content, name, value);
            }
            return content;
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    // An array field repeats the field once per element.
    private static IEnumerable<JsonNode?> ValuesOf(JsonNode node) => node is JsonArray array ? array : new[] { node };

    private static void AddPart(MultipartFormDataContent content, string name, JsonNode? value)
    {
        switch (value)
        {
            case null:
                return;
            case JsonObject file when file.ContainsKey("filename"):
                var (bytes, fileName, contentType) = FilePart(name, file);
                var part = new ByteArrayContent(bytes);
                part.Headers.ContentType = contentType;
                content.Add(part, name, fileName);
                return;
            case JsonObject or JsonArray:
                // Nested structures travel as a JSON part; servers that read the field get parseable text.
                content.Add(new StringContent(value.ToJsonString(JsonOptions), Encoding.UTF8, "application/json"), name);
                return;
            default:
                // Plain fields carry no Content-Type, as browsers send them.
                content.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(PluginInputs.ScalarText(value) ?? "")), name);
                return;
        }
    }

    private static (byte[] Bytes, string FileName, MediaTypeHeaderValue ContentType) FilePart(string name, JsonObject file)
    {
        var fileName = PluginInputs.AsString(file["filename"]);
        if (string.IsNullOrEmpty(fileName)) throw PluginInputs.Invalid($"multipart file '{name}': 'filename' must be a non-empty string");
        if (!file.TryGetPropertyValue("content", out var contentNode) || PluginInputs.ScalarText(contentNode) is not { } text)
            throw PluginInputs.Invalid($"multipart file '{name}': 'content' must be a string");

        var encoding = PluginInputs.AsString(file["encoding"])?.ToLowerInvariant();
        byte[] bytes;
        switch (encoding)
        {
            case null or "utf-8" or "utf8" or "text":
                bytes = Encoding.UTF8.GetBytes(text);
                break;
            case "base64":
                try
                {
                    bytes = Convert.FromBase64String(text);
                }
                catch (FormatException e)
                {
                    throw new Sdk.PluginException($"multipart file '{name}': 'content' is not valid base64", retryable: false, e);
                }
                break;
            default:
                throw PluginInputs.Invalid($"multipart file '{name}': 'encoding' must be base64 or utf-8; got '{encoding}'");
        }

        var typeText = PluginInputs.AsString(file["content_type"]) ?? "application/octet-stream";
        if (!MediaTypeHeaderValue.TryParse(typeText, out var contentType))
            throw PluginInputs.Invalid($"multipart file '{name}': 'content_type' '{typeText}' is not a valid media type");
        return (bytes, fileName, contentType);
    }
}
