using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Http;

/// <summary>Reads a response into step output: bounded body, decoded text or parsed JSON, flattened headers.</summary>
internal static class HttpResponseReader
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>Reads the whole body, failing as soon as it is known to exceed <paramref name="maxBytes"/>.</summary>
    /// <exception cref="PluginException">The body is larger than <paramref name="maxBytes"/> (not retryable).</exception>
    public static Task<ArraySegment<byte>> ReadBodyAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } length && length > maxBytes)
            throw TooLarge($"is {length.ToString(CultureInfo.InvariantCulture)} bytes", maxBytes);
        return ReadAsync(content, maxBytes, truncate: false, cancellationToken);
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of the body, for error excerpts.</summary>
    public static Task<ArraySegment<byte>> ReadPrefixAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken) =>
        ReadAsync(content, maxBytes, truncate: true, cancellationToken);

    private static async Task<ArraySegment<byte>> ReadAsync(HttpContent content, int maxBytes, bool truncate, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var initial = (int)Math.Min(content.Headers.ContentLength ?? ChunkSize, maxBytes);
            using var buffer = new MemoryStream(Math.Max(initial, 0));
            var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                while (true)
                {
                    // Ask for one byte more than allowed so an oversized body is detected without reading all of it.
                    var wanted = (int)Math.Min(chunk.Length, (long)maxBytes - buffer.Length + 1);
                    var read = await stream.ReadAsync(chunk.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;
                    if (buffer.Length + read > maxBytes)
                    {
                        if (!truncate) throw TooLarge("exceeds the limit", maxBytes);
                        buffer.Write(chunk, 0, (int)(maxBytes - buffer.Length));
                        break;
                    }
                    buffer.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
            return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }

    private static PluginException TooLarge(string what, int maxBytes) =>
        new($"response body {what}; max_response_bytes is {maxBytes.ToString(CultureInfo.InvariantCulture)}", retryable: false);

    /// <summary>Converts the body to the <c>body</c> output according to <paramref name="responseType"/>.</summary>
    /// <exception cref="PluginException"><c>response_type</c> is <c>json</c> and the body is not JSON (not retryable).</exception>
    public static JsonNode? ToNode(ArraySegment<byte> body, MediaTypeHeaderValue? contentType, ResponseType responseType)
    {
        var isJson = IsJson(contentType?.MediaType);
        if (responseType == ResponseType.Json || (responseType == ResponseType.Auto && isJson))
        {
            if (body.Count == 0) return null;
            try
            {
                return JsonNode.Parse(StripUtf8Bom(body));
            }
            catch (JsonException e)
            {
                // Auto mode only guessed from the header; a server mislabelling text should not fail the step.
                if (responseType == ResponseType.Auto) return Decode(body, contentType);
                throw new PluginException($"response body is not valid JSON: {e.Message}", retryable: false, e);
            }
        }
        return Decode(body, contentType);
    }

    /// <summary>Decodes the body with the charset the server declared, UTF-8 when it declared none or an unknown one.</summary>
    public static string Decode(ArraySegment<byte> body, MediaTypeHeaderValue? contentType)
    {
        var encoding = Encoding.UTF8;
        if (contentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // Unknown charset: UTF-8 is the most likely correct guess.
            }
        }
        return encoding.CodePage == Encoding.UTF8.CodePage ? Encoding.UTF8.GetString(StripUtf8Bom(body)) : encoding.GetString(body);
    }

    /// <summary>All response and content headers with lower-case names; repeated headers are joined with ", ".</summary>
    public static JsonObject Headers(HttpResponseMessage response)
    {
        var headers = new JsonObject();
        Add(headers, response.Headers);
        Add(headers, response.Content.Headers);
        return headers;

        static void Add(JsonObject target, HttpHeaders source)
        {
            // NonValidated gives the values exactly as received, without parsing them.
            foreach (var (name, values) in source.NonValidated)
            {
                var key = name.ToLowerInvariant();
                var joined = values.Count == 1 ? values.ToString() : string.Join(", ", values);
                target[key] = target[key] is { } existing ? $"{existing.GetValue<string>()}, {joined}" : joined;
            }
        }
    }

    /// <summary>A one-line excerpt of an error body, short enough for a failure message.</summary>
    public static string Excerpt(string text, int maxChars = 200)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxChars + 1));
        var lastWasSpace = false;
        foreach (var c in text)
        {
            var isSpace = char.IsWhiteSpace(c);
            if (isSpace && (lastWasSpace || builder.Length == 0)) continue;
            builder.Append(isSpace ? ' ' : c);
            lastWasSpace = isSpace;
            if (builder.Length > maxChars) break;
        }
        var excerpt = builder.ToString().TrimEnd();
        return excerpt.Length > maxChars ? excerpt[..maxChars] + "…" : excerpt;
    }

    private static bool IsJson(string? mediaType) =>
        mediaType is not null
        && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static ReadOnlySpan<byte> StripUtf8Bom(ArraySegment<byte> body)
    {
        ReadOnlySpan<byte> span = body;
        return span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? span[3..] : span;
    }
}
