using System.Net;
using System.Text;
using System.Text.Json;
using OpenClaw.Plugins.Tests.Email;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Server.Triggers;

namespace OpenClaw.Server.Tests.Integrations;

/// <summary>
/// Rules fire on real executions and deliver to a real loopback HTTP server, a real loopback SMTP server and the inbox,
/// with retries and a delivery log. The server runs with short evaluation, polling and backoff intervals.
/// </summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private const string Token = "tok-notification-never-in-bodies-91ab";
    private readonly string _dataDirectory = TestServer.NewDataDirectory();
    private TestServer _server = null!;
    private LoopbackHttpServer _remote = null!;

    private HttpClient Http => _server.Client;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(_dataDirectory,
            "--OpenClaw:Notifications:EvaluateInterval", "00:00:00.050",
            "--OpenClaw:Notifications:DeliveryPollInterval", "00:00:00.050",
            "--OpenClaw:Notifications:BaseRetryDelay", "00:00:00.050",
            "--OpenClaw:Notifications:MaxAttempts", "3");
        _remote = await LoopbackHttpServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _remote.DisposeAsync();
        await _server.DisposeAsync();
        TestServer.DeleteDirectory(_dataDirectory);
    }

    private async Task<string> WorkflowAsync(string json)
    {
        using var response = await Http.PostJsonAsync("api/v2/workflows", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(json).RootElement.Str("id");
    }

    private async Task<JsonElement> RuleAsync(string json)
    {
        using var response = await Http.PostJsonAsync("api/v2/notifications/rules", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private async Task<Guid> RunAsync(string workflowId)
    {
        using var response = await Http.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", "{}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private Task<JsonElement> DeliveriesAsync(string ruleId, Func<JsonElement[], bool> until) =>
        Poll.UntilAsync(async () => (await Http.GetJsonAsync($"api/v2/notifications/deliveries?rule_id={ruleId}")).EnumerateArray().ToArray(), until,
            what: $"deliveries of rule {ruleId}").ContinueWith(t => JsonSerializer.SerializeToElement(t.Result), TaskScheduler.Default);

    private string EchoingFailure(string id, string credential) => $$$"""
        {
          "id": "{{{id}}}", "name": "Calls and fails",
          "steps": [ { "id": "call", "type": "plugin", "retry": { "max_retries": 0 },
            "config": { "plugin": "http-request", "inputs": { "url": "{{{_remote.Url("fail")}}}", "auth": { "credential": "{{{credential}}}" } } } } ]
        }
        """;

    [Fact]
    public async Task Webhook_FailedExecution_IsPostedSigned_OnceWithoutSecrets_AndLogged()
    {
        var credential = "bearer_" + Guid.NewGuid().ToString("N")[..8];
        using (var c = await Http.PostJsonAsync("api/v2/credentials", $$"""{ "name": "{{credential}}", "type": "bearer", "values": { "token": "{{Token}}" } }"""))
            Assert.Equal(HttpStatusCode.Created, c.StatusCode);
        _remote.Respond = r => r.Path == "/fail" ? (500, $$"""{ "error": "denied {{r.Headers.GetValueOrDefault("authorization")}}" }""") : (200, "{}");
        var workflow = await WorkflowAsync(EchoingFailure(Definitions.NewId(), credential));
        var rule = await RuleAsync($$"""
            { "name": "ops", "workflow_id": "{{workflow}}", "events": ["execution.failed", "execution.succeeded", "task.dead_lettered"],
              "channel": "webhook", "target": { "url": "{{_remote.Url("hook")}}" }, "signed": true }
            """);
        var secret = rule.Str("signing_secret");

        var executionId = await RunAsync(workflow);
        var deliveries = await DeliveriesAsync(rule.Str("id"), d => d.Length == 2 && d.All(x => x.Str("status") == "delivered"));

        Assert.Equal(["execution.failed", "task.dead_lettered"], deliveries.EnumerateArray().Select(d => d.Str("event")).Order().ToArray());
        Assert.All(deliveries.EnumerateArray(), d => Assert.Equal(1, d.GetProperty("attempts").GetInt32()));
        var hooks = _remote.Received.Where(r => r.Path == "/hook").ToList();
        Assert.Equal(2, hooks.Count);
        foreach (var hook in hooks)
        {
            var body = JsonDocument.Parse(hook.Body).RootElement;
            Assert.Equal(executionId.ToString(), body.Str("execution_id"));
            Assert.Equal(hook.Headers["x-openclaw-event"], body.Str("event"));
            Assert.Equal(WebhookSignature.Sign(secret, Encoding.UTF8.GetBytes(hook.Body), hook.Headers["x-openclaw-timestamp"]), hook.Headers["x-openclaw-signature"]);
            Assert.DoesNotContain(Token, hook.Body);
        }
        Assert.Contains(_remote.Received, r => r.Path == "/fail" && r.Headers["authorization"] == "Bearer " + Token);
        Assert.DoesNotContain(Token, deliveries.GetRawText());
        Assert.Equal("call", JsonDocument.Parse(hooks.Single(h => h.Headers["x-openclaw-event"] == "task.dead_lettered").Body).RootElement.Str("step"));
    }

    [Fact]
    public async Task Webhook_FailingReceiver_IsRetriedWithBackoff_ThenMarkedFailedWithTheLastError()
    {
        var attempts = 0;
        _remote.Respond = r => r.Path == "/flaky" ? (Interlocked.Increment(ref attempts) < 3 ? 503 : 200, "{}") : (500, "{}");
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var flaky = await RuleAsync($$"""{ "name": "flaky", "workflow_id": "{{workflow}}", "events": ["execution.succeeded"], "channel": "webhook", "target": { "url": "{{_remote.Url("flaky")}}" } }""");
        var broken = await RuleAsync($$"""{ "name": "broken", "workflow_id": "{{workflow}}", "events": ["execution.succeeded"], "channel": "webhook", "target": { "url": "{{_remote.Url("broken")}}" } }""");

        await RunAsync(workflow);

        var recovered = (await DeliveriesAsync(flaky.Str("id"), d => d.Length == 1 && d[0].Str("status") == "delivered"))[0];
        Assert.Equal(3, recovered.GetProperty("attempts").GetInt32());
        var failed = (await DeliveriesAsync(broken.Str("id"), d => d.Length == 1 && d[0].Str("status") == "failed"))[0];
        Assert.Equal(3, failed.GetProperty("attempts").GetInt32());
        Assert.Contains("HTTP 500", failed.Str("last_error"));
        Assert.Equal(3, _remote.Received.Count(r => r.Path == "/broken"));
        var failedOnly = await Http.GetJsonAsync($"api/v2/notifications/deliveries?status=failed&rule_id={broken.Str("id")}");
        Assert.Single(failedOnly.EnumerateArray());
    }

    [Fact]
    public async Task Email_IsSentThroughTheSmtpCredential()
    {
        await using var smtp = new SmtpSink();
        var credential = "smtp_" + Guid.NewGuid().ToString("N")[..8];
        using (var c = await Http.PostJsonAsync("api/v2/credentials",
            $$"""{ "name": "{{credential}}", "type": "smtp", "values": { "host": "127.0.0.1", "port": {{smtp.Port}}, "security": "none", "from": "openclaw@example.test" } }"""))
            Assert.Equal(HttpStatusCode.Created, c.StatusCode);
        var workflow = await WorkflowAsync(Definitions.FailingJson(Definitions.NewId()));
        var rule = await RuleAsync($$"""
            { "name": "mail ops", "workflow_id": "{{workflow}}", "events": ["execution.failed"], "channel": "email",
              "target": { "to": ["ops@example.test"], "credential": "{{credential}}" } }
            """);

        var executionId = await RunAsync(workflow);
        await DeliveriesAsync(rule.Str("id"), d => d.Length == 1 && d[0].Str("status") == "delivered");

        var mail = smtp.Single();
        Assert.Equal(["ops@example.test"], mail.Recipients);
        Assert.Contains($"Workflow {workflow} failed", mail.Data);
        Assert.Contains(executionId.ToString(), mail.Data);
    }

    [Fact]
    public async Task InApp_LandsInTheInbox_AndIsMarkedRead()
    {
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var rule = await RuleAsync($$"""{ "name": "inbox", "workflow_id": "{{workflow}}", "events": ["execution.succeeded"], "channel": "in_app" }""");

        var executionId = await RunAsync(workflow);
        var items = await Poll.UntilAsync(() => Http.GetJsonAsync("api/v2/notifications/inbox?unread=true"),
            e => e.EnumerateArray().Any(i => i.Str("rule_id") == rule.Str("id")), what: "the inbox item");

        var item = items.EnumerateArray().Single(i => i.Str("rule_id") == rule.Str("id"));
        Assert.Equal($"Workflow {workflow} succeeded", item.Str("title"));
        Assert.Equal(executionId.ToString(), item.GetProperty("payload").Str("execution_id"));
        using (var read = await Http.PostAsync($"api/v2/notifications/inbox/{item.Str("id")}/read", null)) Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        using (var missing = await Http.PostAsync($"api/v2/notifications/inbox/{Guid.NewGuid()}/read", null)) await missing.AssertProblemAsync(404);
        Assert.DoesNotContain(item.Str("id"), (await Http.GetJsonAsync("api/v2/notifications/inbox?unread=true")).GetRawText());
        Assert.Contains(item.Str("id"), (await Http.GetJsonAsync("api/v2/notifications/inbox")).GetRawText());
    }

    [Fact]
    public async Task Slow_FiresWhileTheExecutionStillRuns()
    {
        var workflow = await WorkflowAsync(Definitions.DelayJson(Definitions.NewId(), "1m"));
        var rule = await RuleAsync($$"""{ "name": "slow", "workflow_id": "{{workflow}}", "events": ["execution.slow"], "slow_threshold_seconds": 1, "channel": "in_app" }""");

        var executionId = await RunAsync(workflow);
        var delivered = (await DeliveriesAsync(rule.Str("id"), d => d.Length == 1 && d[0].Str("status") == "delivered"))[0];

        Assert.Equal("execution.slow", delivered.Str("event"));
        Assert.Equal(executionId.ToString(), delivered.Str("execution_id"));
        Assert.Equal("running", (await Http.GetJsonAsync($"api/v2/executions/{executionId}")).Str("status"));
        Assert.Equal(1000, delivered.GetProperty("payload").GetProperty("slow_threshold_ms").GetInt64());
    }

    [Fact]
    public async Task TenantWideRule_SeesEveryWorkflow_ButNotExecutionsFromBeforeIt()
    {
        var before = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var earlier = await RunAsync(before);
        await Poll.UntilAsync(() => Http.GetJsonAsync($"api/v2/executions/{earlier}"), e => e.Str("status") == "succeeded");
        var rule = await RuleAsync("""{ "name": "everything", "events": ["execution.succeeded"], "channel": "in_app" }""");

        var later = await RunAsync(await WorkflowAsync(Definitions.HelloJson(Definitions.NewId())));
        var deliveries = await DeliveriesAsync(rule.Str("id"), d => d.Any(x => x.Str("execution_id") == later.ToString() && x.Str("status") == "delivered"));

        Assert.DoesNotContain(earlier.ToString(), deliveries.GetRawText());
    }
}
