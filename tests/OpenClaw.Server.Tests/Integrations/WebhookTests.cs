using System.Net;
using System.Text;
using System.Text.Json;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Server.Triggers;

namespace OpenClaw.Server.Tests.Integrations;

/// <summary>The public webhook endpoint against real workflows: async and sync modes, signatures, mapping, refusals.</summary>
public sealed class WebhookTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<string> WorkflowAsync(string json)
    {
        using var response = await _http.PostJsonAsync("api/v2/workflows", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(json).RootElement.Str("id");
    }

    private async Task<JsonElement> TriggerAsync(string workflowId, string settings = "")
    {
        using var response = await _http.PostJsonAsync("api/v2/triggers", $$"""{ "workflow_id": "{{workflowId}}"{{settings}} }""");
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private static string Hook(JsonElement trigger) => "api/v2/webhooks/" + trigger.Str("path");

    private async Task<int> ExecutionCountAsync(string workflowId) =>
        (await _http.GetJsonAsync($"api/v2/executions?workflow_id={workflowId}&limit=500")).GetProperty("items").GetArrayLength();

    [Fact]
    public async Task Create_ShowsTheSecretPathOnce_With256RandomBits()
    {
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var trigger = await TriggerAsync(workflow);

        var path = trigger.Str("path");
        Assert.Equal(43, path.Length);
        Assert.Equal(path[..6], trigger.Str("path_hint"));
        Assert.EndsWith("/api/v2/webhooks/" + path, trigger.Str("url"));
        Assert.Equal("async", trigger.Str("mode"));
        var read = await _http.GetJsonAsync($"api/v2/triggers/{trigger.Str("id")}");
        Assert.DoesNotContain(path, read.GetRawText());
        Assert.DoesNotContain(path, (await _http.GetJsonAsync($"api/v2/triggers?workflow_id={workflow}")).GetRawText());
        Assert.NotEqual(path, (await TriggerAsync(workflow)).Str("path"));
    }

    [Fact]
    public async Task Async_Answers202WithTheExecutionId_AfterTheExecutionIsStored()
    {
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var trigger = await TriggerAsync(workflow);

        using var response = await _http.PostJsonAsync(Hook(trigger), """{ "who": "Webhook" }""");
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = body.GetProperty("execution_id").GetGuid();
        // Durable before the answer: the execution is readable at once.
        var execution = await _http.GetJsonAsync($"api/v2/executions/{id}");
        Assert.Equal("webhook", execution.Str("trigger"));
        Assert.Equal("Webhook", execution.GetProperty("inputs").Str("who"));
        var done = await Poll.UntilAsync(() => _http.GetJsonAsync($"api/v2/executions/{id}"), e => e.Str("status") == "succeeded");
        Assert.Equal("Hello, Webhook!", done.GetProperty("outputs").Str("greeting"));
        var listed = await _http.GetJsonAsync($"api/v2/executions?trigger=webhook&workflow_id={workflow}");
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Sync_AnswersWithTheWorkflowsOutputs()
    {
        var workflow = await WorkflowAsync(Definitions.ThreeStepJson(Definitions.NewId()));
        var trigger = await TriggerAsync(workflow, """, "mode": "sync" """);

        using var response = await _http.PostJsonAsync(Hook(trigger), """{ "who": "Sync" }""");
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, Sync!", body.Str("greeting"));
        var id = response.Headers.GetValues("X-OpenClaw-Execution-Id").Single();
        Assert.Equal("succeeded", (await _http.GetJsonAsync($"api/v2/executions/{id}")).Str("status"));
    }

    [Fact]
    public async Task Sync_WorkflowFails_IsAProblemWithTheExecutionId()
    {
        var workflow = await WorkflowAsync(Definitions.FailingJson(Definitions.NewId()));
        var trigger = await TriggerAsync(workflow, """, "mode": "sync" """);

        using var response = await _http.PostAsync(Hook(trigger), null);
        var problem = await response.AssertProblemAsync(500);

        Assert.Equal("failed", problem.Str("execution_status"));
        var id = problem.GetProperty("execution_id").GetGuid();
        Assert.Equal("failed", (await _http.GetJsonAsync($"api/v2/executions/{id}")).Str("status"));
    }

    [Fact]
    public async Task Sync_PastItsTimeout_Answers202WithTheExecutionId()
    {
        var workflow = await WorkflowAsync(Definitions.DelayJson(Definitions.NewId(), "1m"));
        var trigger = await TriggerAsync(workflow, """, "mode": "sync", "sync_timeout_seconds": 1 """);

        using var response = await _http.PostAsync(Hook(trigger), null);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("running", body.Str("status"));
        Assert.Equal("running", (await _http.GetJsonAsync($"api/v2/executions/{body.Str("execution_id")}")).Str("status"));
    }

    [Fact]
    public async Task Signed_RefusesMissingOrWrongSignatures_AcceptsTheRightOne()
    {
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var trigger = await TriggerAsync(workflow, """, "require_signature": true """);
        var secret = trigger.Str("signing_secret");
        Assert.StartsWith("whsec_", secret);
        Assert.DoesNotContain(secret, (await _http.GetJsonAsync($"api/v2/triggers/{trigger.Str("id")}")).GetRawText());
        const string body = """{ "who": "Signed" }""";

        async Task<HttpResponseMessage> SendAsync(string? signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Hook(trigger)) { Content = HttpJson.Json(body) };
            if (signature is not null) request.Headers.Add("X-OpenClaw-Signature", signature);
            return await _http.SendAsync(request);
        }

        using (var unsigned = await SendAsync(null)) await unsigned.AssertProblemAsync(401);
        using (var wrong = await SendAsync(WebhookSignature.Sign("whsec_wrong", Encoding.UTF8.GetBytes(body)))) await wrong.AssertProblemAsync(401);
        using (var garbage = await SendAsync("sha256=zz")) await garbage.AssertProblemAsync(401);
        using (var otherBody = await SendAsync(WebhookSignature.Sign(secret, Encoding.UTF8.GetBytes(body + " ")))) await otherBody.AssertProblemAsync(401);
        Assert.Equal(0, await ExecutionCountAsync(workflow));
        using var right = await SendAsync(WebhookSignature.Sign(secret, Encoding.UTF8.GetBytes(body)));
        Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
    }

    [Fact]
    public async Task SignedWithTimestamp_RefusesStaleTimestamps()
    {
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var trigger = await TriggerAsync(workflow, """, "require_signature": true, "require_timestamp": true """);
        var secret = trigger.Str("signing_secret");
        var body = Encoding.UTF8.GetBytes("{}");

        async Task<HttpStatusCode> SendAsync(DateTimeOffset at, bool signTimestamp = true)
        {
            var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, Hook(trigger)) { Content = new ByteArrayContent(body) };
            request.Headers.Add("X-OpenClaw-Timestamp", timestamp);
            request.Headers.Add("X-OpenClaw-Signature", WebhookSignature.Sign(secret, body, signTimestamp ? timestamp : null));
            using var response = await _http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(DateTimeOffset.UtcNow.AddMinutes(-10)));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(DateTimeOffset.UtcNow, signTimestamp: false));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task UnknownDisabledAndRotatedPaths_AllAnswerTheSame404()
    {
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var trigger = await TriggerAsync(workflow);
        var id = trigger.Str("id");
        var oldHook = Hook(trigger);

        using (var r = await _http.PostAsync("api/v2/webhooks/" + new string('A', 43), null)) await r.AssertProblemAsync(404);
        using (var r = await _http.PostAsync("api/v2/webhooks/short", null)) await r.AssertProblemAsync(404);

        using (var rotated = await _http.PostAsync($"api/v2/triggers/{id}/rotate-path", null))
        {
            var body = await rotated.ReadJsonAsync();
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            using (var old = await _http.PostJsonAsync(oldHook, "{}")) await old.AssertProblemAsync(404);
            using (var fresh = await _http.PostJsonAsync(Hook(body), "{}")) Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
            trigger = body;
        }

        using (var disable = await _http.PutAsync($"api/v2/triggers/{id}", HttpJson.Json("""{ "enabled": false }""")))
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        using (var disabled = await _http.PostJsonAsync(Hook(trigger), "{}")) await disabled.AssertProblemAsync(404);
        using (var delete = await _http.DeleteAsync($"api/v2/triggers/{id}")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var deleted = await _http.PostJsonAsync(Hook(trigger), "{}")) await deleted.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Methods_AreFiltered_AndGetIsAllowedWhenListed()
    {
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var postOnly = await TriggerAsync(workflow);
        using (var r = await _http.GetAsync(Hook(postOnly)))
        {
            await r.AssertProblemAsync(405);
            Assert.Contains("POST", r.Content.Headers.Allow);
        }

        var withGet = await TriggerAsync(workflow, """, "methods": ["GET"], "input_mapping": "request" """);
        using var get = await _http.GetAsync(Hook(withGet) + "?who=ignored");
        Assert.Equal(HttpStatusCode.Accepted, get.StatusCode);
    }

    [Fact]
    public async Task RequestMapping_GivesBodyHeadersQueryAndMethod_WithoutCredentialsHeaders()
    {
        var id = Definitions.NewId();
        var workflow = await WorkflowAsync($$$"""
            {
              "id": "{{{id}}}", "name": "Request",
              "inputs": [ { "name": "body", "type": "object" }, { "name": "headers", "type": "object" }, { "name": "query", "type": "object" }, { "name": "method", "type": "string" } ],
              "steps": [ { "id": "n", "type": "plugin", "config": { "plugin": "noop" } } ],
              "outputs": { "order": "${{ inputs.body.order }}", "source": "${{ inputs.headers['x-source'] }}", "tag": "${{ inputs.query.tag }}", "method": "${{ inputs.method }}",
                           "auth": "${{ inputs.headers.authorization }}" }
            }
            """);
        var trigger = await TriggerAsync(workflow, """, "mode": "sync", "input_mapping": "request" """);

        using var request = new HttpRequestMessage(HttpMethod.Post, Hook(trigger) + "?tag=blue") { Content = HttpJson.Json("""{ "order": 42 }""") };
        request.Headers.Add("X-Source", "shop");
        request.Headers.Add("Authorization", "Bearer not-for-workflows");
        using var response = await _http.SendAsync(request);
        var outputs = await response.ReadJsonAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, outputs.GetRawText());
        Assert.Equal(42, outputs.GetProperty("order").GetInt32());
        Assert.Equal("shop", outputs.Str("source"));
        Assert.Equal("blue", outputs.Str("tag"));
        Assert.Equal("POST", outputs.Str("method"));
        Assert.DoesNotContain("not-for-workflows", outputs.GetRawText());
    }

    [Theory]
    [InlineData("{ \"who\": ", "$")]
    [InlineData("[1, 2, 3]", "$")]
    [InlineData("{ \"who\": 42 }", "$.inputs.who")]
    [InlineData("{ \"who\": \"x\", \"extra\": \"'; DROP TABLE tasks; --\" }", "$.inputs.extra")]
    [InlineData("{ }", "$.inputs.who")]
    public async Task BadBodies_AreProblemsNamingTheField_AndStartNothing(string body, string field)
    {
        var workflow = await WorkflowAsync(Definitions.ThreeStepJson(Definitions.NewId()));
        var trigger = await TriggerAsync(workflow);

        using var response = await _http.PostJsonAsync(Hook(trigger), body);
        var problem = await response.AssertProblemAsync(400);

        Assert.Contains(field, problem.ErrorKeys());
        Assert.Equal(0, await ExecutionCountAsync(workflow));
    }

    [Fact]
    public async Task OversizedBody_Is413_AndStartsNothing()
    {
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));
        var trigger = await TriggerAsync(workflow);

        using var response = await _http.PostJsonAsync(Hook(trigger), $$"""{ "who": "{{new string('x', (int)TestServer.MaxRequestBodyBytes)}}" }""");

        await response.AssertProblemAsync(413);
        Assert.Equal(0, await ExecutionCountAsync(workflow));
    }

    [Fact]
    public async Task ManualRun_IsRecordedWithTriggerManual()
    {
        var workflow = await WorkflowAsync(Definitions.HelloJson(Definitions.NewId()));

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{workflow}/run", """{ "inputs": { "who": "Hand" } }""");
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("manual", (await _http.GetJsonAsync($"api/v2/executions/{body.Str("id")}")).Str("trigger"));
        Assert.Single((await _http.GetJsonAsync($"api/v2/executions?trigger=manual&workflow_id={workflow}")).GetProperty("items").EnumerateArray());
        Assert.Empty((await _http.GetJsonAsync($"api/v2/executions?trigger=webhook&workflow_id={workflow}")).GetProperty("items").EnumerateArray());
        using (var missing = await _http.PostJsonAsync($"api/v2/workflows/{Definitions.NewId()}/run", "{}")) await missing.AssertProblemAsync(404);
        using (var bad = await _http.PostJsonAsync($"api/v2/workflows/{workflow}/run", """{ "inputs": { "who": 5 } }""")) await bad.AssertProblemAsync(400);
    }
}
