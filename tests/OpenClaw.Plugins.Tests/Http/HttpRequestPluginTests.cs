using System.Net.Http;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Http;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Http;

/// <summary>Methods, headers, query strings and response parsing against a real server.</summary>
public sealed class HttpRequestPluginTests(EchoServer server) : IClassFixture<EchoServer>
{
    private readonly HttpRequestPlugin _plugin = new();

    private async Task<JsonObject> Send(JsonObject inputs, TestPluginContext? context = null) =>
        await _plugin.ExecuteAsync(inputs, context ?? new TestPluginContext());

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    [InlineData("head")]
    public async Task Method_IsSentAsGiven_CaseInsensitively(string method)
    {
        var output = await Send(new JsonObject { ["url"] = server.Url("/echo"), ["method"] = method });

        Assert.Equal(200, (int)output["status"]!);
        Assert.Equal(method.ToUpperInvariant(), (string?)output["headers"]!["x-echo-method"]);
    }

    [Fact]
    public async Task Get_ReturnsStatusHeadersParsedJsonBodyDurationAndUrl()
    {
        var url = server.Url("/echo");

        var output = await Send(new JsonObject { ["url"] = url });

        Assert.Equal(200, (int)output["status"]!);
        Assert.StartsWith("application/json", (string?)output["headers"]!["content-type"]);
        Assert.Equal("GET", (string?)output["body"]!["method"]);
        Assert.True((long)output["duration_ms"]! >= 0);
        Assert.Equal(url, (string?)output["url"]);
    }

    [Fact]
    public async Task Headers_AreSent_AndArraysRepeatTheHeader()
    {
        var output = await Send(new JsonObject
        {
            ["url"] = server.Url("/echo"),
            ["headers"] = new JsonObject { ["X-Custom"] = "hello", ["X-Number"] = 42, ["X-List"] = new JsonArray("a", "b") },
        });

        var received = output["body"]!["headers"]!;
        Assert.Equal("hello", (string?)received["x-custom"]);
        Assert.Equal("42", (string?)received["x-number"]);
        Assert.Equal("a,b", ((string?)received["x-list"])!.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("OpenClaw/1.0", (string?)received["user-agent"]);
    }

    [Fact]
    public async Task UserAgent_SetByTheStep_ReplacesTheDefault()
    {
        var output = await Send(new JsonObject
        {
            ["url"] = server.Url("/echo"),
            ["headers"] = new JsonObject { ["User-Agent"] = "my-bot/2" },
        });

        Assert.Equal("my-bot/2", (string?)output["body"]!["headers"]!["user-agent"]);
    }

    [Fact]
    public async Task Query_IsPercentEncoded_AndAppendedToAnExistingQuery()
    {
        var output = await Send(new JsonObject
        {
            ["url"] = server.Url("/echo?existing=1"),
            ["query"] = new JsonObject
            {
                ["q"] = "a b&c=d/é+",
                ["tag"] = new JsonArray("x", "y"),
                ["n"] = 5,
                ["skipped"] = null,
            },
        });

        var echo = output["body"]!;
        Assert.Equal("?existing=1&q=a%20b%26c%3Dd%2F%C3%A9%2B&tag=x&tag=y&n=5", (string?)echo["query"]);
        Assert.Equal("a b&c=d/é+", (string?)echo["args"]!["q"]![0]);
        Assert.Equal(2, echo["args"]!["tag"]!.AsArray().Count);
        Assert.EndsWith("?existing=1&q=a%20b%26c%3Dd%2F%C3%A9%2B&tag=x&tag=y&n=5", (string?)output["url"]);
    }

    [Fact]
    public async Task ResponseHeaders_AreLowerCased_AndRepeatedOnesJoined()
    {
        var output = await Send(new JsonObject { ["url"] = server.Url("/multi-header") });

        var headers = output["headers"]!.AsObject();
        Assert.Equal("one, two", (string?)headers["x-multi"]);
        Assert.Equal("kept", (string?)headers["x-mixed-case"]);
        Assert.All(headers, h => Assert.Equal(h.Key.ToLowerInvariant(), h.Key));
    }

    [Fact]
    public async Task Auto_ParsesJsonContentTypes_IncludingStructuredSuffixes()
    {
        var output = await Send(new JsonObject
        {
            ["url"] = server.Url("/content?type=application/problem%2Bjson&body=" + Uri.EscapeDataString("{\"title\":\"bad\"}")),
        });

        Assert.Equal("bad", (string?)output["body"]!["title"]);
    }

    [Fact]
    public async Task Auto_ReturnsText_ForNonJsonContentTypes()
    {
        var output = await Send(new JsonObject
        {
            ["url"] = server.Url("/content?type=text/plain&body=" + Uri.EscapeDataString("{\"not\":\"parsed\"}")),
        });

        Assert.Equal("{\"not\":\"parsed\"}", (string?)output["body"]);
    }

    [Fact]
    public async Task Auto_FallsBackToText_WhenAJsonContentTypeCarriesInvalidJson()
    {
        var output = await Send(new JsonObject { ["url"] = server.Url("/content?type=application/json&body=oops") });

        Assert.Equal("oops", (string?)output["body"]);
    }

    [Fact]
    public async Task JsonResponseType_ParsesRegardlessOfContentType()
    {
        var output = await Send(new JsonObject
        {
            ["url"] = server.Url("/content?type=text/plain&body=" + Uri.EscapeDataString("[1,2]")),
            ["response_type"] = "json",
        });

        Assert.Equal(2, output["body"]!.AsArray().Count);
    }

    [Fact]
    public async Task JsonResponseType_FailsWithoutRetry_OnInvalidJson()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Send(new JsonObject
        {
            ["url"] = server.Url("/content?type=text/plain&body=oops"),
            ["response_type"] = "json",
        }));

        Assert.False(error.Retryable);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextResponseType_KeepsJsonAsText()
    {
        var output = await Send(new JsonObject { ["url"] = server.Url("/echo"), ["response_type"] = "text" });

        Assert.StartsWith("{\"method\":\"GET\"", (string?)output["body"]);
    }

    [Fact]
    public async Task Text_IsDecodedWithTheDeclaredCharset()
    {
        var output = await Send(new JsonObject
        {
            ["url"] = server.Url("/content?type=" + Uri.EscapeDataString("text/plain; charset=iso-8859-1") + "&charset=iso-8859-1&body=caf%C3%A9"),
        });

        Assert.Equal("café", (string?)output["body"]);
    }

    [Fact]
    public async Task HttpClientFactory_WhenGiven_ProvidesTheNamedClient()
    {
        var factory = new RecordingFactory();
        var plugin = BuiltInPlugins.Create(factory).OfType<HttpRequestPlugin>().Single();

        var output = await plugin.ExecuteAsync(new JsonObject { ["url"] = server.Url("/echo") }, new TestPluginContext());

        Assert.Equal(200, (int)output["status"]!);
        Assert.Equal([HttpRequestPlugin.HttpClientName], factory.Names);
    }

    private sealed class RecordingFactory : IHttpClientFactory
    {
        public List<string> Names { get; } = [];

        public HttpClient CreateClient(string name)
        {
            Names.Add(name);
            return new HttpClient(new SocketsHttpHandler(), disposeHandler: true);
        }
    }
}
