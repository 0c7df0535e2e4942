using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Storage;

/// <summary>Puts, gets, deletes and lists objects in the installation's object store (<see cref="PluginContext.ObjectStore"/>).</summary>
/// <remarks>
/// <para>Content is text (<c>encoding: utf8</c>), bytes in base64 (<c>base64</c>), or any JSON value (<c>json</c>, the default
/// when <c>content</c> is not a string). <c>get</c> returns the content in the same encodings.</para>
/// <para>Delete and list need a store that implements <see cref="IListableObjectStore"/> (the local-folder default does).
/// A missing object fails <c>get</c> without retry; <c>delete</c> of a missing object succeeds with
/// <c>deleted: false</c>, so a retried step deletes idempotently.</para>
/// </remarks>
[Plugin("object-storage", Version = "1.0.0", Author = "OpenClaw", Category = "storage",
    Tags = ["storage", "files", "objects", "s3", "blob"],
    Permissions = [PluginPermissions.Storage],
    Description = "Stores, reads, deletes and lists objects (files) in the object store.")]
public sealed class ObjectStoragePlugin : Plugin
{
    private const int DefaultMaxBytes = 10 * 1024 * 1024;
    private const int DefaultMaxKeys = 1000;
    private static readonly string[] Operations = ["put", "get", "delete", "list"];
    private static readonly string[] Encodings = ["utf8", "base64", "json"];

    private static readonly PluginSchema Inputs = PluginSchema.Of(
        new PluginField("operation", "string", Required: true, Description: "What to do.", Enum: Operations),
        new PluginField("key", "string",
            Description: "The object's key, a relative path such as reports/2024/summary.json (put, get, delete)."),
        new PluginField("content", "any", Description: "Put: the content; text, base64 text, or any JSON value, depending on encoding."),
        new PluginField("encoding", "string",
            Description: "How content is given (put) or returned (get): utf8 text, base64 bytes, or json (parsed). "
                + "Put defaults to utf8 for strings and json otherwise; get defaults to utf8.",
            Enum: Encodings),
        new PluginField("content_type", "string",
            Description: "Put: the media type stored with the object; defaults by encoding (text/plain, application/octet-stream, application/json)."),
        new PluginField("prefix", "string", Description: "List: only keys starting with this, e.g. reports/2024/."),
        new PluginField("max_keys", "integer", Description: "List: most objects returned.", Default: DefaultMaxKeys),
        new PluginField("max_bytes", "integer", Description: "Get: largest object read, in bytes.", Default: DefaultMaxBytes));

    private static readonly PluginSchema Outputs = PluginSchema.Of(
        new PluginField("key", "string", Description: "Put, get, delete: the object's key."),
        new PluginField("size", "integer", Description: "Put, get: the object's length in bytes."),
        new PluginField("content_type", "string", Description: "Put, get: its media type, when known."),
        new PluginField("sha256", "string", Description: "Put: hex SHA-256 of the bytes stored."),
        new PluginField("content", "any", Description: "Get: the content in the requested encoding."),
        new PluginField("encoding", "string", Description: "Get: the encoding of content.", Enum: Encodings),
        new PluginField("deleted", "boolean", Description: "Delete: whether an object was there to delete."),
        new PluginField("objects", "array", Description: "List: { key, size, last_modified, content_type } per object, in key order."),
        new PluginField("count", "integer", Description: "List: number of objects returned."),
        new PluginField("truncated", "boolean", Description: "List: true when more than max_keys objects matched."));

    /// <inheritdoc />
    public override PluginSchema InputSchema => Inputs;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => Outputs;

    /// <inheritdoc />
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var operation = PluginInputs.RequireString(inputs, "operation").ToLowerInvariant();
        if (!Operations.Contains(operation))
            throw PluginInputs.Invalid($"input 'operation' must be one of {string.Join(", ", Operations)}; got '{operation}'");
        var store = context.ObjectStore
            ?? throw new PluginException("no object store is configured for this installation, so object-storage cannot run; "
                + "configure a storage folder or an S3-compatible store", retryable: false);
        var cancellationToken = context.CancellationToken;

        try
        {
            var output = operation switch
            {
                "put" => await PutAsync(store, inputs, cancellationToken).ConfigureAwait(false),
                "get" => await GetAsync(store, inputs, cancellationToken).ConfigureAwait(false),
                "delete" => await DeleteAsync(Listable(store, operation), inputs, cancellationToken).ConfigureAwait(false),
                _ => await ListAsync(Listable(store, operation), inputs, cancellationToken).ConfigureAwait(false),
            };
            context.Logger.LogDebug("object-storage {Operation} {Key}", operation, (string?)output["key"] ?? (string?)inputs["prefix"]);
            return output;
        }
        catch (ArgumentException e)
        {
            throw PluginInputs.Invalid($"input 'key' is not valid: {StripParameterName(e)}");
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new PluginException($"object store {operation} failed: {e.Message}", retryable: true, e);
        }
    }

    private static IListableObjectStore Listable(IPluginObjectStore store, string operation) =>
        store as IListableObjectStore
        ?? throw new PluginException($"the configured object store ({store.GetType().Name}) does not support {operation}", retryable: false);

    private static async Task<JsonObject> PutAsync(IPluginObjectStore store, JsonObject inputs, CancellationToken cancellationToken)
    {
        var key = PluginInputs.RequireString(inputs, "key");
        if (!inputs.TryGetPropertyValue("content", out var content)) throw PluginInputs.Invalid("input 'content' is required for put");
        var encoding = Encoding(inputs, PluginInputs.AsString(content) is not null ? "utf8" : "json");
        byte[] bytes = encoding switch
        {
            "utf8" => System.Text.Encoding.UTF8.GetBytes(PluginInputs.AsString(content)
                ?? throw PluginInputs.Invalid($"input 'content' must be text for encoding utf8, got {PluginInputs.Describe(content)}; use encoding json")),
            "base64" => DecodeBase64(content),
            _ => System.Text.Encoding.UTF8.GetBytes(content?.ToJsonString() ?? "null"),
        };
        var contentType = PluginInputs.OptionalString(inputs, "content_type") ?? encoding switch
        {
            "utf8" => "text/plain; charset=utf-8",
            "base64" => "application/octet-stream",
            _ => "application/json",
        };
        if (contentType.AsSpan().IndexOfAny('\r', '\n') >= 0) throw PluginInputs.Invalid("input 'content_type' must not contain line breaks");

        using (var stream = new MemoryStream(bytes, writable: false))
            await store.PutAsync(key, stream, contentType, cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["key"] = key,
            ["size"] = bytes.Length,
            ["content_type"] = contentType,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        };
    }

    private static byte[] DecodeBase64(JsonNode? content)
    {
        var text = PluginInputs.AsString(content)
            ?? throw PluginInputs.Invalid($"input 'content' must be base64 text for encoding base64, got {PluginInputs.Describe(content)}");
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw PluginInputs.Invalid("input 'content' is not valid base64");
        }
    }

    private static async Task<JsonObject> GetAsync(IPluginObjectStore store, JsonObject inputs, CancellationToken cancellationToken)
    {
        var key = PluginInputs.RequireString(inputs, "key");
        var encoding = Encoding(inputs, "utf8");
        var maxBytes = PositiveInt(inputs, "max_bytes", DefaultMaxBytes);

        var stream = await store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginException($"object '{key}' does not exist", retryable: false);
        byte[] bytes;
        await using (stream.ConfigureAwait(false))
            bytes = await ReadBoundedAsync(stream, key, maxBytes, cancellationToken).ConfigureAwait(false);
        var info = store is IListableObjectStore listable ? await listable.StatAsync(key, cancellationToken).ConfigureAwait(false) : null;

        JsonNode? content = encoding switch
        {
            "base64" => Convert.ToBase64String(bytes),
            "json" => ParseJson(bytes, key),
            _ => DecodeUtf8(bytes, key),
        };
        return new JsonObject
        {
            ["key"] = key,
            ["size"] = bytes.Length,
            ["content_type"] = info?.ContentType,
            ["content"] = content,
            ["encoding"] = encoding,
        };
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, string key, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new PluginException(
                    $"object '{key}' is larger than max_bytes ({maxBytes.ToString(CultureInfo.InvariantCulture)}); raise max_bytes to read it",
                    retryable: false);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string DecodeUtf8(byte[] bytes, string key)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new PluginException($"object '{key}' is not UTF-8 text; read it with encoding base64", retryable: false);
        }
    }

    private static JsonNode? ParseJson(byte[] bytes, string key)
    {
        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new PluginException($"object '{key}' is not valid JSON ({e.Message}); read it with encoding utf8", retryable: false, e);
        }
    }

    private static async Task<JsonObject> DeleteAsync(IListableObjectStore store, JsonObject inputs, CancellationToken cancellationToken)
    {
        var key = PluginInputs.RequireString(inputs, "key");
        var deleted = await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["key"] = key, ["deleted"] = deleted };
    }

    private static async Task<JsonObject> ListAsync(IListableObjectStore store, JsonObject inputs, CancellationToken cancellationToken)
    {
        var prefix = PluginInputs.OptionalString(inputs, "prefix") ?? "";
        var maxKeys = PositiveInt(inputs, "max_keys", DefaultMaxKeys);
        var objects = new JsonArray();
        var truncated = false;
        try
        {
            await foreach (var item in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                if (objects.Count == maxKeys)
                {
                    truncated = true;
                    break;
                }
                objects.Add(new JsonObject
                {
                    ["key"] = item.Key,
                    ["size"] = item.Size,
                    ["last_modified"] = item.LastModified.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                    ["content_type"] = item.ContentType,
                });
            }
        }
        catch (ArgumentException e)
        {
            throw PluginInputs.Invalid($"input 'prefix' is not valid: {StripParameterName(e)}");
        }
        return new JsonObject { ["objects"] = objects, ["count"] = objects.Count, ["truncated"] = truncated };
    }

    private static string Encoding(JsonObject inputs, string defaultEncoding)
    {
        var encoding = (PluginInputs.OptionalString(inputs, "encoding") ?? defaultEncoding).ToLowerInvariant().Replace("-", "", StringComparison.Ordinal);
        return Encodings.Contains(encoding)
            ? encoding
            : throw PluginInputs.Invalid($"input 'encoding' must be one of {string.Join(", ", Encodings)}; got '{encoding}'");
    }

    private static int PositiveInt(JsonObject inputs, string name, int defaultValue)
    {
        if (inputs[name] is not { } node) return defaultValue;
        if (node is JsonValue value && JsonScalars.ToClr(value) is long number && number is > 0 and <= int.MaxValue) return (int)number;
        throw PluginInputs.Invalid($"input '{name}' must be a positive integer; got {node.ToJsonString()}");
    }

    /// <summary>ArgumentException appends " (Parameter 'key')"; the author needs only the reason.</summary>
    private static string StripParameterName(ArgumentException e) =>
        e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
}
