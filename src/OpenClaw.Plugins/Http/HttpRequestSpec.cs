using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Http;

/// <summary>How the response body is turned into the <c>body</c> output.</summary>
internal enum ResponseType
{
    /// <summary>JSON when the content type says so, text otherwise.</summary>
    Auto,
    Json,
    Text,
}

/// <summary>
/// The validated inputs of one <c>http-request</c> step. Parsing happens before anything is sent, so an invalid input
/// fails without side effects and without a retry.
/// </summary>
internal sealed class HttpRequestSpec
{
    public const int DefaultMaxResponseBytes = 10 * 1024 * 1024;

    /// <summary>Larger limits would not fit the single buffer the body is read into.</summary>
    public const int MaxMaxResponseBytes = 1024 * 1024 * 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    private HttpRequestSpec(
        HttpMethod method, string url, List<KeyValuePair<string, string[]>> headers, JsonNode? body, string bodyType,
        TimeSpan timeout, bool failOnStatus, ResponseType responseType, int maxResponseBytes)
    {
        Method = method;
        Url = url;
        Headers = headers;
        Body = body;
        BodyType = bodyType;
        Timeout = timeout;
        FailOnStatus = failOnStatus;
        ResponseType = responseType;
        MaxResponseBytes = maxResponseBytes;
    }

    public HttpMethod Method { get; }

    /// <summary>The URL with the <c>query</c> input appended; credentials are never part of it, so it is safe to output.</summary>
    public string Url { get; }

    public IReadOnlyList<KeyValuePair<string, string[]>> Headers { get; }

    public JsonNode? Body { get; }

    /// <summary>One of <c>json</c>, <c>form</c>, <c>multipart</c>, <c>text</c>, <c>none</c>.</summary>
    public string BodyType { get; }

    public TimeSpan Timeout { get; }

    public bool FailOnStatus { get; }

    public ResponseType ResponseType { get; }

    public int MaxResponseBytes { get; }

    /// <summary>Whether the method may change state on the server, and so should carry an idempotency key.</summary>
    public bool IsUnsafeMethod => Method != HttpMethod.Get && Method != HttpMethod.Head && Method != HttpMethod.Options;

    public bool HasHeader(string name) => Headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    /// <exception cref="PluginException">An input is missing or invalid (never retryable).</exception>
    public static HttpRequestSpec Parse(JsonObject inputs)
    {
        var url = PluginInputs.RequireString(inputs, "url").Trim();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw PluginInputs.Invalid($"input 'url' must be an absolute http or https URL; got '{url}'");
        url = AppendQuery(url, QueryPairs(PluginInputs.OptionalObject(inputs, "query")));

        var methodName = (PluginInputs.OptionalString(inputs, "method") ?? "GET").Trim().ToUpperInvariant();
        if (Array.IndexOf(Methods, methodName) < 0)
            throw PluginInputs.Invalid($"input 'method' must be one of {string.Join(", ", Methods)}; got '{methodName}'");

        var body = inputs["body"];
        var bodyType = PluginInputs.OptionalString(inputs, "body_type")?.Trim().ToLowerInvariant() ?? DefaultBodyType(body);
        if (bodyType is not ("json" or "form" or "multipart" or "text" or "none"))
            throw PluginInputs.Invalid($"input 'body_type' must be one of json, form, multipart, text, none; got '{bodyType}'");

        var timeout = DefaultTimeout;
        if (inputs["timeout"] is { } timeoutNode && !Durations.TryParse(timeoutNode, out timeout))
        {
            throw PluginInputs.Invalid(
                $"input 'timeout' must be a positive duration up to 24h, as seconds (10) or with a unit (500ms, 10s, 2m); got {timeoutNode.ToJsonString()}");
        }

        var responseType = (PluginInputs.OptionalString(inputs, "response_type") ?? "auto").Trim().ToLowerInvariant() switch
        {
            "auto" => ResponseType.Auto,
            "json" => ResponseType.Json,
            "text" => ResponseType.Text,
            var other => throw PluginInputs.Invalid($"input 'response_type' must be one of auto, json, text; got '{other}'"),
        };

        var maxBytes = DefaultMaxResponseBytes;
        if (inputs["max_response_bytes"] is { } maxNode
            && (maxNode is not JsonValue maxValue || !maxValue.TryGetValue(out maxBytes) || maxBytes < 1 || maxBytes > MaxMaxResponseBytes))
        {
            throw PluginInputs.Invalid(
                $"input 'max_response_bytes' must be a whole number from 1 to {MaxMaxResponseBytes}; got {maxNode.ToJsonString()}");
        }

        return new HttpRequestSpec(
            new HttpMethod(methodName), url, ParseHeaders(PluginInputs.OptionalObject(inputs, "headers")), body, bodyType,
            timeout, PluginInputs.OptionalBool(inputs, "fail_on_status", true), responseType, maxBytes);
    }

    private static string DefaultBodyType(JsonNode? body) => body switch
    {
        null => "none",
        JsonValue value when PluginInputs.AsString(value) is not null => "text",
        _ => "json",
    };

    private static List<KeyValuePair<string, string[]>> ParseHeaders(JsonObject? headers)
    {
        var result = new List<KeyValuePair<string, string[]>>();
        if (headers is null) return result;
        foreach (var (name, node) in headers)
        {
            if (node is null) continue;
            if (!IsToken(name)) throw PluginInputs.Invalid($"input 'headers': '{name}' is not a valid header name");
            var values = ScalarList(node) ?? throw PluginInputs.Invalid(
                $"input 'headers': header '{name}' must be a string, number, boolean or an array of them; got {PluginInputs.Describe(node)}");
            // A line break in a value would let one header smuggle in others.
            if (values.Any(v => v.AsSpan().IndexOfAny('\r', '\n') >= 0))
                throw PluginInputs.Invalid($"input 'headers': header '{name}' contains a line break");
            result.Add(new(name, values));
        }
        return result;
    }

    private static IEnumerable<KeyValuePair<string, string>> QueryPairs(JsonObject? query)
    {
        if (query is null) yield break;
        foreach (var (name, node) in query)
        {
            if (node is null) continue;
            var values = ScalarList(node) ?? throw PluginInputs.Invalid(
                $"input 'query': parameter '{name}' must be a string, number, boolean or an array of them; got {PluginInputs.Describe(node)}");
            foreach (var value in values) yield return new(name, value);
        }
    }

    /// <summary>Appends percent-encoded parameters to <paramref name="url"/>, before any fragment.</summary>
    public static string AppendQuery(string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var encoded = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (encoded.Length > 0) encoded.Append('&');
            encoded.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        if (encoded.Length == 0) return url;

        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var (head, fragment) = hash < 0 ? (url, "") : (url[..hash], url[hash..]);
        var separator = !head.Contains('?') ? "?" : head.EndsWith('?') || head.EndsWith('&') ? "" : "&";
        return head + separator + encoded + fragment;
    }

    /// <summary>A scalar or an array of scalars as text values; <see langword="null"/> for anything else.</summary>
    private static string[]? ScalarList(JsonNode node)
    {
        if (PluginInputs.ScalarText(node) is { } single) return [single];
        if (node is not JsonArray array) return null;
        var values = new string[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            if (PluginInputs.ScalarText(array[i]) is not { } text) return null;
            values[i] = text;
        }
        return values;
    }

    // RFC 9110 token characters.
    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => c is > ' ' and < '\u007f' && "\"(),/:;<=>?@[\\]{}".IndexOf(c, StringComparison.Ordinal) < 0);
}
