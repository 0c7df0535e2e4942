using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Notification;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Plugins.Tests.Email;
using OpenClaw.Plugins.Tests.Http;

namespace OpenClaw.Plugins.Tests.Notification;

/// <summary>Webhook delivery against the echo server and e-mail delivery against the SMTP sink.</summary>
public sealed class NotificationPluginTests(EchoServer server) : IClassFixture<EchoServer>
{
    private readonly NotificationPlugin _plugin = new();

    private async Task<JsonObject> Notify(JsonObject inputs, TestPluginContext? context = null) =>
        await _plugin.ExecuteAsync(inputs, context ?? new TestPluginContext());

    /// <summary>What the echo server received: the JSON body it echoes is the webhook's body as sent.</summary>
    private static (JsonObject Headers, string Body) Received(JsonObject echo) =>
        (echo["headers"]!.AsObject(), (string)echo["body"]!);

    [Fact]
    public async Task Webhook_PostsTheMessageAsJson_WithTheStepsIdentity()
    {
        var context = new TestPluginContext { Key = "exec-9/notify" };

        var (output, echo) = await SendToEcho(context);

        Assert.True((bool)output["delivered"]!);
        Assert.Equal("webhook", (string?)output["channel"]);
        Assert.Equal(200, (int)output["status"]!);
        Assert.False((bool)output["signed"]!);
        var (headers, body) = Received(echo);
        var payload = JsonNode.Parse(body)!;
        Assert.Equal("POST", (string?)echo["method"]);
        Assert.Equal("application/json; charset=utf-8", (string?)headers["content-type"]);
        Assert.Equal("exec-9/notify", (string?)headers["idempotency-key"]);
        Assert.Equal("platform", (string?)headers["x-team"]);
        Assert.False(headers.ContainsKey("x-openclaw-signature"));
        Assert.Equal("Deploy", (string?)payload["title"]);
        Assert.Equal("Deployed v2", (string?)payload["message"]);
        Assert.Equal("2.0.0", (string?)payload["data"]!["version"]);
        Assert.Equal(context.ExecutionId.ToString(), (string?)payload["execution_id"]);
        Assert.Equal("step-1", (string?)payload["step_id"]);
        Assert.True(DateTimeOffset.TryParse((string?)payload["sent_at"], System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task Webhook_WithASecret_IsSignedWithHmacSha256OfTheExactBody()
    {
        const string secret = "whsec_5f3a";
        var context = new TestPluginContext().WithCredential("hook", "webhook", ("secret", secret));

        var (output, echo) = await SendToEcho(context, new JsonObject { ["credential"] = "hook", ["message"] = "Caf\u00e9 is open" });

        Assert.True((bool)output["signed"]!);
        var (headers, body) = Received(echo);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
        Assert.Equal(expected, (string?)headers["x-openclaw-signature"]);
        Assert.Equal(expected, NotificationPlugin.Sign(Encoding.UTF8.GetBytes(body), secret));
        Assert.Equal("Caf\u00e9 is open", (string?)JsonNode.Parse(body)!["message"]);
    }

    /// <summary>
    /// Sends a webhook to the echo server's /echo and returns the plugin's output and what the server saw (the plugin
    /// itself discards the answer's body, so a handler keeps it).
    /// </summary>
    private async Task<(JsonObject Output, JsonObject Echo)> SendToEcho(TestPluginContext context, JsonObject? overrides = null)
    {
        using var recorder = new RecordingHandler();
        using var client = new HttpClient(recorder, disposeHandler: false);
        var plugin = new NotificationPlugin(client);
        var inputs = new JsonObject
        {
            ["channel"] = "webhook", ["url"] = server.Url("/echo"), ["title"] = "Deploy", ["message"] = "Deployed v2",
            ["data"] = new JsonObject { ["version"] = "2.0.0", ["ok"] = true }, ["headers"] = new JsonObject { ["X-Team"] = "platform" },
        };
        foreach (var (key, value) in overrides ?? []) inputs[key] = value?.DeepClone();

        var output = await plugin.ExecuteAsync(inputs, context);

        return (output, JsonNode.Parse(recorder.LastResponseBody!)!.AsObject());
    }

    [Theory]
    [InlineData(404, false)]
    [InlineData(400, false)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(429, true)]
    public async Task Webhook_ErrorStatus_Fails_RetryableOnlyForServerErrorsAndThrottling(int status, bool retryable)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Notify(new JsonObject { ["channel"] = "webhook", ["url"] = server.Url($"/status/{status}"), ["message"] = "m" }));

        Assert.Equal(retryable, error.Retryable);
        Assert.Contains($"answered HTTP {status}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"status {status} from the echo server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_SlowReceiver_TimesOutRetryably()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Notify(new JsonObject
        {
            ["channel"] = "webhook", ["url"] = server.Url("/hang/" + Guid.NewGuid().ToString("N")), ["message"] = "m", ["timeout"] = "300ms",
        }));

        Assert.True(error.Retryable);
        Assert.EndsWith("timed out after 300ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_Cancellation_SurfacesAsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var id = Guid.NewGuid().ToString("N");
        var running = Notify(new JsonObject { ["channel"] = "webhook", ["url"] = server.Url("/hang/" + id), ["message"] = "m" },
            new TestPluginContext { Token = cancellation.Token });
        await server.WaitForArrivalAsync(id);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task Webhook_RefusedConnection_FailsRetryably()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Notify(new JsonObject { ["channel"] = "webhook", ["url"] = $"http://127.0.0.1:{port}/hook", ["message"] = "m" }));

        Assert.True(error.Retryable);
        Assert.StartsWith($"webhook http://127.0.0.1:{port}/hook failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_SendsTheMessage_WithTheTitleAsSubject()
    {
        await using var sink = new SmtpSink(new SmtpSinkOptions { Username = "alerts", Password = "pw" });
        var context = new TestPluginContext().WithCredential("smtp", "smtp", ("host", "127.0.0.1"),
            ("port", sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("username", "alerts"), ("password", "pw"),
            ("from", "alerts@openclaw.test"));

        var output = await Notify(new JsonObject
        {
            ["channel"] = "email", ["credential"] = "smtp", ["to"] = new JsonArray("ops@example.test", "oncall@example.test"),
            ["title"] = "Disk almost full", ["message"] = "Volume /data is at 93%.\n.Check it.",
        }, context);

        var mail = sink.Single();
        var parsed = ParsedMail.Parse(mail.Data);
        Assert.True((bool)output["delivered"]!);
        Assert.Equal("email", (string?)output["channel"]);
        Assert.Equal(parsed["Message-ID"], (string?)output["message_id"]);
        Assert.Equal(["ops@example.test", "oncall@example.test"], mail.Recipients);
        Assert.Equal("alerts", mail.AuthUser);
        Assert.Equal("Disk almost full", parsed["Subject"]);
        Assert.Equal("Volume /data is at 93%.\r\n.Check it.\r\n", parsed.Body);
    }

    [Fact]
    public async Task Email_WithoutTitle_UsesTheFirstLineAsSubject()
    {
        await using var sink = new SmtpSink();

        await Notify(new JsonObject
        {
            ["channel"] = "email", ["host"] = "127.0.0.1", ["port"] = sink.Port, ["from"] = "bot@openclaw.test", ["to"] = "ops@example.test",
            ["message"] = "\nBackup finished\nAll 12 volumes copied.",
        });

        Assert.Equal("Backup finished", ParsedMail.Parse(sink.Single().Data)["Subject"]);
    }

    [Theory]
    [InlineData("""{ "channel": "sms", "message": "m" }""", "input 'channel' must be webhook or email")]
    [InlineData("""{ "channel": "webhook" }""", "input 'message' is required")]
    [InlineData("""{ "channel": "webhook", "message": "m" }""", "input 'url' is required for channel webhook")]
    [InlineData("""{ "channel": "webhook", "message": "m", "url": "file:///etc/passwd" }""", "input 'url' must be an absolute http or https URL")]
    [InlineData("""{ "channel": "webhook", "message": "m", "url": "http://127.0.0.1:9/", "credential": "nosecret" }""",
        "credential 'nosecret' has no 'secret'")]
    [InlineData("""{ "channel": "webhook", "message": "m", "url": "http://127.0.0.1:9/", "headers": { "X-OpenClaw-Signature": "forged" } }""",
        "'X-OpenClaw-Signature' is set by the plugin")]
    [InlineData("""{ "channel": "email", "message": "m", "host": "127.0.0.1", "from": "a@b.test" }""", "input 'to' is required for channel email")]
    [InlineData("""{ "channel": "email", "message": "m", "host": "127.0.0.1", "to": "a@b.test" }""", "input 'from' is required for channel email")]
    [InlineData("""{ "channel": "email", "message": "m", "to": "a@b.test", "from": "a@b.test" }""", "input 'credential' (an smtp credential) or input 'host'")]
    public async Task InvalidInputs_FailWithoutRetry(string json, string message)
    {
        var context = new TestPluginContext().WithCredential("nosecret", "webhook", ("token", "x"));

        var error = await Assert.ThrowsAsync<PluginException>(() => Notify(JsonNode.Parse(json)!.AsObject(), context));

        Assert.False(error.Retryable);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Passes requests through and keeps the last response body, so a test can see what the echo server saw.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public string? LastResponseBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            LastResponseBody = await response.Content.ReadAsStringAsync(cancellationToken);
            return response;
        }
    }
}
