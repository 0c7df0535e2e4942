using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Http;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Http;

/// <summary>Request bodies as the server receives them, and the Idempotency-Key header.</summary>
public sealed class HttpRequestBodyTests(EchoServer server) : IClassFixture<EchoServer>
{
    private readonly HttpRequestPlugin _plugin = new();

    private async Task<JsonNode> Echo(JsonObject inputs, TestPluginContext? context = null)
    {
        inputs["url"] ??= server.Url("/echo");
        var output = await _plugin.ExecuteAsync(inputs, context ?? new TestPluginContext());
        return output["body"]!;
    }

    [Fact]
    public async Task ObjectBody_IsSentAsJson_ByDefault()
    {
        var echo = await Echo(new JsonObject
        {
            ["method"] = "POST",
            ["body"] = new JsonObject { ["name"] = "Zoë", ["tags"] = new JsonArray(1, 2), ["nested"] = new JsonObject { ["ok"] = true } },
        });

        Assert.StartsWith("application/json", (string?)echo["content_type"]);
        var received = JsonNode.Parse((string)echo["body"]!)!;
        Assert.Equal("Zoë", (string?)received["name"]);
        Assert.Equal(2, received["tags"]!.AsArray().Count);
        Assert.True((bool)received["nested"]!["ok"]!);
    }

    [Fact]
    public async Task ArrayBody_IsSentAsJson_ByDefault()
    {
        var echo = await Echo(new JsonObject { ["method"] = "PUT", ["body"] = new JsonArray(1, "two") });

        Assert.Equal("[1,\"two\"]", (string?)echo["body"]);
    }

    [Fact]
    public async Task StringBody_IsSentAsText_ByDefault()
    {
        var echo = await Echo(new JsonObject { ["method"] = "POST", ["body"] = "plain words" });

        Assert.StartsWith("text/plain", (string?)echo["content_type"]);
        Assert.Equal("plain words", (string?)echo["body"]);
    }

    [Fact]
    public async Task ContentTypeHeader_OverridesTheBodyTypeDefault()
    {
        var echo = await Echo(new JsonObject
        {
            ["method"] = "POST",
            ["body"] = "<a/>",
            ["headers"] = new JsonObject { ["Content-Type"] = "application/xml" },
        });

        Assert.Equal("application/xml", (string?)echo["content_type"]);
        Assert.Equal("<a/>", (string?)echo["body"]);
    }

    [Fact]
    public async Task FormBody_IsUrlEncoded()
    {
        var echo = await Echo(new JsonObject
        {
            ["method"] = "POST",
            ["body_type"] = "form",
            ["body"] = new JsonObject { ["user"] = "a b&c", ["n"] = 3, ["many"] = new JsonArray("x", "y") },
        });

        Assert.StartsWith("application/x-www-form-urlencoded", (string?)echo["content_type"]);
        Assert.Equal("a b&c", (string?)echo["form"]!["user"]![0]);
        Assert.Equal("3", (string?)echo["form"]!["n"]![0]);
        Assert.Equal(2, echo["form"]!["many"]!.AsArray().Count);
    }

    [Fact]
    public async Task FormBody_RejectsNestedObjects_WithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Echo(new JsonObject
        {
            ["method"] = "POST",
            ["body_type"] = "form",
            ["body"] = new JsonObject { ["deep"] = new JsonObject { ["x"] = 1 } },
        }));

        Assert.False(error.Retryable);
        Assert.Contains("form field 'deep'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultipartBody_SendsFieldsAndFiles_DecodingBase64Content()
    {
        var binary = new byte[] { 0, 1, 2, 250, 255 };
        var echo = await Echo(new JsonObject
        {
            ["method"] = "POST",
            ["body_type"] = "multipart",
            ["body"] = new JsonObject
            {
                ["title"] = "report",
                ["count"] = 2,
                ["raw"] = new JsonObject
                {
                    ["filename"] = "data.bin", ["content"] = Convert.ToBase64String(binary),
                    ["encoding"] = "base64", ["content_type"] = "application/x-demo",
                },
                ["notes"] = new JsonObject { ["filename"] = "notes.txt", ["content"] = "héllo" },
            },
        });

        Assert.StartsWith("multipart/form-data", (string?)echo["content_type"]);
        Assert.Equal("report", (string?)echo["form"]!["title"]![0]);
        Assert.Equal("2", (string?)echo["form"]!["count"]![0]);
        var files = echo["files"]!.AsArray();
        var raw = files.Single(f => (string?)f!["name"] == "raw")!;
        Assert.Equal("data.bin", (string?)raw["filename"]);
        Assert.Equal("application/x-demo", (string?)raw["content_type"]);
        Assert.Equal(binary, Convert.FromBase64String((string)raw["base64"]!));
        var notes = files.Single(f => (string?)f!["name"] == "notes")!;
        Assert.Equal("application/octet-stream", (string?)notes["content_type"]);
        Assert.Equal("héllo", Encoding.UTF8.GetString(Convert.FromBase64String((string)notes["base64"]!)));
    }

    [Fact]
    public async Task MultipartBody_IgnoresACopiedContentTypeHeader_SoTheBoundaryStaysValid()
    {
        var echo = await Echo(new JsonObject
        {
            ["method"] = "POST",
            ["body_type"] = "multipart",
            ["headers"] = new JsonObject { ["Content-Type"] = "multipart/form-data" },
            ["body"] = new JsonObject { ["a"] = "1" },
        });

        Assert.Equal("1", (string?)echo["form"]!["a"]![0]);
    }

    [Fact]
    public async Task MultipartFile_WithInvalidBase64_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Echo(new JsonObject
        {
            ["method"] = "POST",
            ["body_type"] = "multipart",
            ["body"] = new JsonObject
            {
                ["f"] = new JsonObject { ["filename"] = "x", ["content"] = "not base64!", ["encoding"] = "base64" },
            },
        }));

        Assert.False(error.Retryable);
        Assert.Contains("multipart file 'f'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoneBodyType_SendsNoBody()
    {
        var echo = await Echo(new JsonObject { ["method"] = "POST", ["body_type"] = "none", ["body"] = "ignored" });

        Assert.Equal("", (string?)echo["body"]);
        Assert.Null(echo["content_type"]);
    }

    [Fact]
    public async Task NullBody_SendsNoContent_EvenWhenTheBodyTypeIsJson()
    {
        var echo = await Echo(new JsonObject { ["method"] = "POST", ["body_type"] = "json", ["body"] = null });

        Assert.Equal("", (string?)echo["body"]);
        Assert.Null(echo["content_type"]);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task StateChangingMethods_CarryTheContextIdempotencyKey(string method)
    {
        var context = new TestPluginContext { Key = "exec-1/step-a" };

        var echo = await Echo(new JsonObject { ["method"] = method }, context);

        Assert.Equal("exec-1/step-a", (string?)echo["headers"]!["idempotency-key"]);
    }

    [Fact]
    public async Task Get_DoesNotCarryAnIdempotencyKey()
    {
        var echo = await Echo(new JsonObject { ["method"] = "GET" });

        Assert.Null(echo["headers"]!["idempotency-key"]);
    }

    [Fact]
    public async Task IdempotencyKey_SetByTheStep_IsKept()
    {
        var echo = await Echo(new JsonObject
        {
            ["method"] = "POST",
            ["headers"] = new JsonObject { ["idempotency-key"] = "mine" },
        }, new TestPluginContext { Key = "engine" });

        Assert.Equal("mine", (string?)echo["headers"]!["idempotency-key"]);
    }
}
