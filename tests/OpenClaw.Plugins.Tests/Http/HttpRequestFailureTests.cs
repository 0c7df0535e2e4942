using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Http;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Http;

/// <summary>Status failures and their retry classification, timeouts, size limits, cancellation and invalid inputs.</summary>
public sealed class HttpRequestFailureTests(EchoServer server) : IClassFixture<EchoServer>
{
    private readonly HttpRequestPlugin _plugin = new();

    private Task<JsonObject> Send(JsonObject inputs, TestPluginContext? context = null) =>
        _plugin.ExecuteAsync(inputs, context ?? new TestPluginContext()).AsTask();

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task ClientErrors_FailWithoutRetry_QuotingStatusAndBody(int status)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Send(new JsonObject { ["url"] = server.Url($"/status/{status}") }));

        Assert.False(error.Retryable);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"status {status} from the echo server", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(408)]
    public async Task ServerErrorsAndThrottling_FailRetryably(int status)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Send(new JsonObject { ["url"] = server.Url($"/status/{status}") }));

        Assert.True(error.Retryable);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailOnStatusFalse_ReturnsTheErrorResponse()
    {
        var output = await Send(new JsonObject { ["url"] = server.Url("/status/404"), ["fail_on_status"] = false });

        Assert.Equal(404, (int)output["status"]!);
        Assert.Contains("status 404", (string?)output["body"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("300ms")]
    [InlineData(0.3)]
    public async Task SlowServer_FailsRetryablyAfterTheTimeout(object timeout)
    {
        var started = Stopwatch.GetTimestamp();

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(new JsonObject
        {
            ["url"] = server.Url("/hang/" + Guid.NewGuid().ToString("N")),
            ["timeout"] = timeout is string text ? JsonValue.Create(text) : JsonValue.Create((double)timeout),
        }));

        Assert.True(error.Retryable);
        Assert.Contains("timed out after 300ms", error.Message, StringComparison.Ordinal);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10), "the timeout should end the request promptly");
    }

    [Fact]
    public async Task Cancellation_OfTheContext_SurfacesAsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var id = Guid.NewGuid().ToString("N");
        var running = Send(new JsonObject { ["url"] = server.Url("/hang/" + id) }, new TestPluginContext { Token = cancellation.Token });

        await server.WaitForArrivalAsync(id);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Theory]
    [InlineData("/bytes/5000")]
    [InlineData("/bytes/5000?chunked=1")]
    public async Task BodyLargerThanTheLimit_FailsWithoutRetry(string path)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Send(new JsonObject
        {
            ["url"] = server.Url(path),
            ["max_response_bytes"] = 1000,
        }));

        Assert.False(error.Retryable);
        Assert.Contains("max_response_bytes is 1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyExactlyAtTheLimit_IsAccepted()
    {
        var output = await Send(new JsonObject { ["url"] = server.Url("/bytes/1000?chunked=1"), ["max_response_bytes"] = 1000 });

        Assert.Equal(1000, ((string?)output["body"])!.Length);
    }

    [Fact]
    public async Task Head_IgnoresTheAdvertisedLength_WhenCheckingTheLimit()
    {
        var output = await Send(new JsonObject { ["url"] = server.Url("/bytes/5000"), ["method"] = "HEAD", ["max_response_bytes"] = 1000 });

        Assert.Equal(200, (int)output["status"]!);
        Assert.Equal("5000", (string?)output["headers"]!["content-length"]);
        Assert.Equal("", (string?)output["body"]);
    }

    [Fact]
    public async Task RefusedConnection_FailsRetryably()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(new JsonObject { ["url"] = $"http://127.0.0.1:{port}/" }));

        Assert.True(error.Retryable);
        Assert.Contains("failed", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> InvalidInputs => new()
    {
        { "{}", "input 'url' is required" },
        { """{"url":"/relative"}""", "input 'url' must be an absolute http or https URL" },
        { """{"url":"ftp://example.com/x"}""", "input 'url' must be an absolute http or https URL" },
        { """{"url":"http://127.0.0.1/","method":"FETCH"}""", "input 'method' must be one of" },
        { """{"url":"http://127.0.0.1/","timeout":"soon"}""", "input 'timeout' must be a positive duration" },
        { """{"url":"http://127.0.0.1/","timeout":0}""", "input 'timeout' must be a positive duration" },
        { """{"url":"http://127.0.0.1/","body_type":"xml"}""", "input 'body_type' must be one of" },
        { """{"url":"http://127.0.0.1/","response_type":"binary"}""", "input 'response_type' must be one of" },
        { """{"url":"http://127.0.0.1/","max_response_bytes":-1}""", "input 'max_response_bytes' must be a whole number" },
        { """{"url":"http://127.0.0.1/","headers":{"X-A":"a\r\nX-B: b"}}""", "contains a line break" },
        { """{"url":"http://127.0.0.1/","headers":{"bad name":"x"}}""", "is not a valid header name" },
        { """{"url":"http://127.0.0.1/","query":{"q":{"nested":1}}}""", "parameter 'q' must be" },
        { """{"url":"http://127.0.0.1/","fail_on_status":"maybe"}""", "input 'fail_on_status' must be true or false" },
        { """{"url":"http://127.0.0.1/","auth":"token"}""", "input 'auth' must be" },
    };

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public async Task InvalidInputs_FailWithoutRetry_NamingTheInput(string inputs, string expected)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Send(JsonNode.Parse(inputs)!.AsObject()));

        Assert.False(error.Retryable);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
