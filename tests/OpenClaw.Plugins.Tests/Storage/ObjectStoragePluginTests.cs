using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Plugins.Storage;

namespace OpenClaw.Plugins.Tests.Storage;

/// <summary>object-storage through the local-folder store in a temporary folder.</summary>
public sealed class ObjectStoragePluginTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("openclaw-objects-").FullName;
    private readonly LocalFolderObjectStore _store;
    private readonly ObjectStoragePlugin _plugin = new();

    public ObjectStoragePluginTests() => _store = new LocalFolderObjectStore(Path.Combine(_parent, "store"));

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private async Task<JsonObject> Run(JsonObject inputs, IPluginObjectStore? store = null) =>
        await _plugin.ExecuteAsync(inputs, new TestPluginContext { Store = store ?? _store });

    [Fact]
    public async Task PutText_ThenGet_RoundTrips_WithSizeTypeAndHash()
    {
        var put = await Run(new JsonObject { ["operation"] = "put", ["key"] = "notes/today.txt", ["content"] = "caf\u00e9 at 9" });
        var get = await Run(new JsonObject { ["operation"] = "get", ["key"] = "notes/today.txt" });

        Assert.Equal(10, (int)put["size"]!); // é is two bytes in UTF-8
        Assert.Equal("text/plain; charset=utf-8", (string?)put["content_type"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("caf\u00e9 at 9"))), (string?)put["sha256"]);
        Assert.Equal("caf\u00e9 at 9", (string?)get["content"]);
        Assert.Equal("utf8", (string?)get["encoding"]);
        Assert.Equal("text/plain; charset=utf-8", (string?)get["content_type"]);
        Assert.Equal(10, (int)get["size"]!);
    }

    [Fact]
    public async Task PutBase64_StoresTheBytes_AndGetReturnsThemInBase64()
    {
        byte[] bytes = [0, 1, 2, 250, 255];

        var put = await Run(new JsonObject
        {
            ["operation"] = "put", ["key"] = "bin/blob", ["content"] = Convert.ToBase64String(bytes), ["encoding"] = "base64",
            ["content_type"] = "image/x-test",
        });
        var get = await Run(new JsonObject { ["operation"] = "get", ["key"] = "bin/blob", ["encoding"] = "base64" });

        Assert.Equal(5, (int)put["size"]!);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_store.RootFolder, "bin", "blob")));
        Assert.Equal(Convert.ToBase64String(bytes), (string?)get["content"]);
        Assert.Equal("image/x-test", (string?)get["content_type"]);
    }

    [Fact]
    public async Task PutJsonValue_IsStoredAsJson_AndGetCanParseIt()
    {
        await Run(new JsonObject { ["operation"] = "put", ["key"] = "data.json", ["content"] = new JsonObject { ["n"] = 1, ["list"] = new JsonArray(1, 2) } });

        var get = await Run(new JsonObject { ["operation"] = "get", ["key"] = "data.json", ["encoding"] = "json" });

        Assert.Equal("""{"n":1,"list":[1,2]}""", get["content"]!.ToJsonString());
        Assert.Equal("application/json", (string?)get["content_type"]);
    }

    [Fact]
    public async Task GetAsText_OfBinaryContent_FailsWithoutRetry_SuggestingBase64()
    {
        await _store.PutAsync("bin", new MemoryStream([0xff, 0xfe, 0x00]), "application/octet-stream");

        var error = await Assert.ThrowsAsync<PluginException>(() => Run(new JsonObject { ["operation"] = "get", ["key"] = "bin" }));

        Assert.False(error.Retryable);
        Assert.Contains("read it with encoding base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OfAMissingObject_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run(new JsonObject { ["operation"] = "get", ["key"] = "missing.txt" }));

        Assert.False(error.Retryable);
        Assert.Equal("object 'missing.txt' does not exist", error.Message);
    }

    [Fact]
    public async Task Get_OfAnObjectOverMaxBytes_FailsWithoutRetry()
    {
        await Run(new JsonObject { ["operation"] = "put", ["key"] = "big", ["content"] = new string('x', 5000) });

        var error = await Assert.ThrowsAsync<PluginException>(() => Run(new JsonObject { ["operation"] = "get", ["key"] = "big", ["max_bytes"] = 1000 }));

        Assert.False(error.Retryable);
        Assert.Contains("larger than max_bytes (1000)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_IsIdempotent()
    {
        await Run(new JsonObject { ["operation"] = "put", ["key"] = "tmp/x", ["content"] = "x" });

        var first = await Run(new JsonObject { ["operation"] = "delete", ["key"] = "tmp/x" });
        var second = await Run(new JsonObject { ["operation"] = "delete", ["key"] = "tmp/x" });

        Assert.True((bool)first["deleted"]!);
        Assert.False((bool)second["deleted"]!);
    }

    [Fact]
    public async Task List_ReturnsMatchingObjects_AndTruncatesAtMaxKeys()
    {
        foreach (var key in new[] { "logs/3.txt", "logs/1.txt", "logs/2.txt", "other.txt" })
            await Run(new JsonObject { ["operation"] = "put", ["key"] = key, ["content"] = key });

        var all = await Run(new JsonObject { ["operation"] = "list", ["prefix"] = "logs/" });
        var firstTwo = await Run(new JsonObject { ["operation"] = "list", ["prefix"] = "logs/", ["max_keys"] = 2 });

        Assert.Equal(["logs/1.txt", "logs/2.txt", "logs/3.txt"], all["objects"]!.AsArray().Select(o => (string)o!["key"]!));
        Assert.False((bool)all["truncated"]!);
        Assert.Equal(10, (long)all["objects"]![0]!["size"]!);
        Assert.Equal("text/plain; charset=utf-8", (string?)all["objects"]![0]!["content_type"]);
        Assert.Equal(2, (int)firstTwo["count"]!);
        Assert.True((bool)firstTwo["truncated"]!);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../outside.txt")]
    [InlineData(".openclaw/meta/x")]
    public async Task PathTraversalKeys_AreRefusedWithoutRetry_AndWriteNothing(string key)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run(new JsonObject { ["operation"] = "put", ["key"] = key, ["content"] = "pwned" }));

        Assert.False(error.Retryable);
        Assert.StartsWith("input 'key' is not valid:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_parent, "outside.txt")));
    }

    [Fact]
    public async Task NoObjectStore_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(async () =>
            await _plugin.ExecuteAsync(new JsonObject { ["operation"] = "get", ["key"] = "a" }, new TestPluginContext()));

        Assert.False(error.Retryable);
        Assert.StartsWith("no object store is configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreWithoutListing_ServesPutAndGet_ButRefusesListAndDelete()
    {
        var basic = new MemoryOnlyStore();

        await Run(new JsonObject { ["operation"] = "put", ["key"] = "k", ["content"] = "v" }, basic);
        var get = await Run(new JsonObject { ["operation"] = "get", ["key"] = "k" }, basic);
        var error = await Assert.ThrowsAsync<PluginException>(() => Run(new JsonObject { ["operation"] = "list" }, basic));

        Assert.Equal("v", (string?)get["content"]);
        Assert.Null(get["content_type"]);
        Assert.False(error.Retryable);
        Assert.Equal("the configured object store (MemoryOnlyStore) does not support list", error.Message);
    }

    [Theory]
    [InlineData("""{ "operation": "copy" }""", "input 'operation' must be one of put, get, delete, list")]
    [InlineData("""{ "operation": "put", "key": "k" }""", "input 'content' is required for put")]
    [InlineData("""{ "operation": "put", "key": "k", "content": "!!", "encoding": "base64" }""", "input 'content' is not valid base64")]
    [InlineData("""{ "operation": "put", "key": "k", "content": 5, "encoding": "utf8" }""", "must be text for encoding utf8")]
    [InlineData("""{ "operation": "get", "key": "k", "encoding": "latin1" }""", "input 'encoding' must be one of utf8, base64, json")]
    [InlineData("""{ "operation": "get" }""", "input 'key' is required")]
    [InlineData("""{ "operation": "list", "prefix": "../" }""", "input 'prefix' is not valid")]
    public async Task InvalidInputs_FailWithoutRetry(string json, string message)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run(JsonNode.Parse(json)!.AsObject()));

        Assert.False(error.Retryable);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A store with only the SDK's put and get, as a third-party store might be.</summary>
    private sealed class MemoryOnlyStore : IPluginObjectStore
    {
        private readonly Dictionary<string, byte[]> _objects = [];

        public async ValueTask PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            _objects[key] = buffer.ToArray();
        }

        public ValueTask<Stream?> GetAsync(string key, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<Stream?>(_objects.TryGetValue(key, out var bytes) ? new MemoryStream(bytes) : null);
    }
}
