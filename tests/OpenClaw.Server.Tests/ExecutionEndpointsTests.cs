using System.Net;
using System.Text.Json;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

public sealed class ExecutionEndpointsTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<string> CreateAsync(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var id = doc.RootElement.Str("id");
        using var response = await _http.PostJsonAsync("api/v2/workflows", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return id;
    }

    private async Task<(string Location, JsonElement Body)> StartAsync(string workflowId, string body = "{}")
    {
        using var response = await _http.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (response.Headers.Location!.OriginalString, await response.ReadJsonAsync());
    }

    private Task<JsonElement> WaitForStatusAsync(string location, params string[] statuses) =>
        Poll.UntilAsync(
            () => _http.GetJsonAsync(location.TrimStart('/')),
            e => statuses.Contains(e.Str("status")),
            what: $"{location} to be {string.Join(" or ", statuses)}");

    private static JsonElement Step(JsonElement execution, string key) =>
        execution.GetProperty("steps").EnumerateArray().Single(s => s.Str("key") == key);

    [Fact]
    public async Task Start_WithInputs_Returns202_AndRunsToSuccessWithStepHistory()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        var (location, started) = await StartAsync(id, """{ "inputs": { "who": "Ada" } }""");

        var executionId = started.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v2/executions/{executionId}", location);
        Assert.Equal(location, started.Str("location"));

        var done = await WaitForStatusAsync(location, "succeeded", "failed", "cancelled");
        Assert.Equal("succeeded", done.Str("status"));
        Assert.Equal(id, done.Str("workflow_id"));
        Assert.Equal(1, done.GetProperty("workflow_version").GetInt32());
        Assert.Equal("api", done.Str("trigger"));
        Assert.Equal("Ada", done.GetProperty("inputs").Str("who"));
        Assert.Equal("Hello, Ada!", done.GetProperty("outputs").Str("greeting"));
        Assert.True(done.GetProperty("duration_ms").GetDouble() >= 0);

        var greet = Step(done, "greet");
        Assert.Equal("succeeded", greet.Str("status"));
        Assert.Equal("plugin", greet.Str("type"));
        Assert.Equal("log", greet.Str("plugin"));
        Assert.Equal("Hello, Ada!", greet.GetProperty("output").Str("message"));
        Assert.Equal(["done"], greet.GetProperty("next").EnumerateArray().Select(n => n.GetString()!).ToArray());
        var attempt = Assert.Single(greet.GetProperty("attempts").EnumerateArray());
        Assert.Equal(1, attempt.GetProperty("attempt").GetInt32());
        Assert.Equal("succeeded", attempt.Str("status"));

        var last = Step(done, "done");
        Assert.Equal("succeeded", last.Str("status"));
        Assert.Equal(1, last.GetProperty("output").GetProperty("n").GetInt32());
        Assert.Single(last.GetProperty("attempts").EnumerateArray());
    }

    [Fact]
    public async Task Start_AfterDeleteAndRecreateUnderTheSameId_RunsTheNewDefinition_NotACachedPlanOfTheOld()
    {
        var id = Definitions.NewId("recreated");
        await CreateAsync(Definitions.HelloJson(id));
        var (first, _) = await StartAsync(id, """{ "inputs": { "who": "Ada" } }""");
        var before = await WaitForStatusAsync(first, "succeeded", "failed");
        Assert.Equal("Hello, Ada!", before.GetProperty("outputs").Str("greeting"));

        using (var deleted = await _http.DeleteAsync($"api/v2/workflows/{id}")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        // Same id, same version number (1), other steps and outputs: only a plan cache keyed by id and version could confuse them.
        await CreateAsync(Definitions.HelloJson(id).Replace("Hello, ", "Goodbye, ", StringComparison.Ordinal));
        var (second, _) = await StartAsync(id, """{ "inputs": { "who": "Ada" } }""");
        var after = await WaitForStatusAsync(second, "succeeded", "failed");

        Assert.Equal(1, after.GetProperty("workflow_version").GetInt32());
        Assert.Equal("Goodbye, Ada!", after.GetProperty("outputs").Str("greeting"));
    }

    [Fact]
    public async Task Start_WithoutBody_UsesInputDefaults()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        using var response = await _http.PostAsync($"api/v2/workflows/{id}/executions", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var done = await WaitForStatusAsync(response.Headers.Location!.OriginalString, "succeeded", "failed");
        Assert.Equal("Hello, world!", done.GetProperty("outputs").Str("greeting"));
    }

    [Fact]
    public async Task Start_OnV1_AnswersWithAV1Location()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        using var response = await _http.PostJsonAsync($"api/v1/workflows/{id}/executions", "{}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("/api/v1/executions/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Start_FailingWorkflow_EndsFailedWithTheStepError()
    {
        var id = await CreateAsync(Definitions.FailingJson(Definitions.NewId("fail")));

        var (location, _) = await StartAsync(id);

        var done = await WaitForStatusAsync(location, "succeeded", "failed", "cancelled");
        Assert.Equal("failed", done.Str("status"));
        Assert.False(string.IsNullOrEmpty(done.Str("error")));
        var broken = Step(done, "broken");
        Assert.Equal("failed", broken.Str("status"));
        Assert.Contains("operations[0]", broken.Str("error"));
        Assert.Equal("failed", Assert.Single(broken.GetProperty("attempts").EnumerateArray()).Str("status"));
    }

    [Fact]
    public async Task Start_RetryingStep_RecordsEveryAttempt()
    {
        var id = Definitions.NewId("retry");
        await CreateAsync($$"""
            {
              "id": "{{id}}",
              "name": "Retries",
              "steps": [
                { "id": "call", "type": "plugin", "retry": { "max_retries": 2, "backoff": "fixed", "base_delay": "10ms" },
                  "config": { "plugin": "http-request", "inputs": { "url": "http://127.0.0.1:1/unreachable", "timeout": "2s" } } }
              ]
            }
            """);

        var (location, _) = await StartAsync(id);

        var done = await WaitForStatusAsync(location, "succeeded", "failed", "cancelled");
        Assert.Equal("failed", done.Str("status"));
        var call = Step(done, "call");
        Assert.Equal(3, call.GetProperty("attempt").GetInt32());
        var attempts = call.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], attempts.Select(a => a.GetProperty("attempt").GetInt32()).ToArray());
        Assert.All(attempts, a => Assert.Equal("failed", a.Str("status")));
        Assert.All(attempts, a => Assert.False(string.IsNullOrEmpty(a.Str("error"))));
    }

    [Fact]
    public async Task Start_WrongInputs_Returns400NamingEachInput()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", """{ "inputs": { "who": 5, "whom": "x" } }""");

        var problem = await response.AssertProblemAsync(400);
        var keys = problem.ErrorKeys();
        Assert.Contains("$.inputs.who", keys);
        Assert.Contains("$.inputs.whom", keys);
        var list = await _http.GetJsonAsync($"api/v2/executions?workflow_id={id}");
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Start_MissingRequiredInput_Returns400()
    {
        var id = await CreateAsync(Definitions.RequiredInputJson(Definitions.NewId()));

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal(["$.inputs.count"], problem.ErrorKeys());
    }

    [Fact]
    public async Task Start_MalformedBody_Returns400Problem()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", "{ \"inputs\": ");

        await response.AssertProblemAsync(400);
        var list = await _http.GetJsonAsync($"api/v2/executions?workflow_id={id}");
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("""{ "priority": "urgent" }""")]
    [InlineData("""{ "priority": 42 }""")]
    public async Task Start_UnknownPriority_Returns400AtPriority(string body)
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", body);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("$.priority", problem.ErrorKeys());
    }

    [Fact]
    public async Task Start_InputsNotAnObject_Returns400AtInputs()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", """{ "inputs": [1, 2] }""");

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("$.inputs", problem.ErrorKeys());
    }

    [Fact]
    public async Task Start_UnknownVersion_Returns404()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", """{ "version": 7 }""");

        await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Start_OlderVersion_RunsThatVersion()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId(), "First"));
        using (var put = await _http.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.DelayJson(id))))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var (location, _) = await StartAsync(id, """{ "version": 1, "inputs": { "who": "v1" } }""");

        var done = await WaitForStatusAsync(location, "succeeded", "failed");
        Assert.Equal(1, done.GetProperty("workflow_version").GetInt32());
        Assert.Equal("Hello, v1!", done.GetProperty("outputs").Str("greeting"));
    }

    [Fact]
    public async Task Start_AfterAnUpdate_RunsTheNewVersion()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));
        var (first, _) = await StartAsync(id);
        Assert.Equal(1, (await WaitForStatusAsync(first, "succeeded")).GetProperty("workflow_version").GetInt32());
        var changed = Definitions.HelloJson(id).Replace("Hello, ", "Goodbye, ", StringComparison.Ordinal);
        using (var put = await _http.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(changed)))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var (second, _) = await StartAsync(id, """{ "inputs": { "who": "Bob" } }""");

        var done = await WaitForStatusAsync(second, "succeeded", "failed");
        Assert.Equal(2, done.GetProperty("workflow_version").GetInt32());
        Assert.Equal("Goodbye, Bob!", done.GetProperty("outputs").Str("greeting"));
    }

    [Fact]
    public async Task Start_AfterDelete_Returns404()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));
        var (first, _) = await StartAsync(id);
        await WaitForStatusAsync(first, "succeeded");
        using (var deleted = await _http.DeleteAsync($"api/v2/workflows/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");

        await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task DeletingAWorkflow_KeepsTheHistoryOfItsFinishedExecutions()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));
        var (location, _) = await StartAsync(id);
        await WaitForStatusAsync(location, "succeeded");

        using (var deleted = await _http.DeleteAsync($"api/v2/workflows/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var execution = await _http.GetJsonAsync(location.TrimStart('/'));
        Assert.Equal("succeeded", execution.Str("status"));
        Assert.Equal(2, execution.GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task DeletingAWorkflow_WithAnUnfinishedExecution_Returns409UntilItIsCancelled()
    {
        var id = await CreateAsync(Definitions.DelayJson(Definitions.NewId("deleterun"), "30s"));
        var (_, started) = await StartAsync(id);
        var executionId = started.GetProperty("id").GetGuid();

        using (var refused = await _http.DeleteAsync($"api/v2/workflows/{id}"))
        {
            var problem = await refused.AssertProblemAsync(409);
            Assert.Contains(executionId.ToString(), problem.Str("detail"));
        }
        Assert.Equal(id, (await _http.GetJsonAsync($"api/v2/workflows/{id}")).Str("id"));

        using (var cancel = await _http.PostAsync($"api/v2/executions/{executionId}/cancel", null))
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        using var deleted = await _http.DeleteAsync($"api/v2/workflows/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Start_UnknownField_Returns400NamingIt()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", """{ "input": { "who": "typo" } }""");

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal(["$.input"], problem.ErrorKeys());
    }

    [Fact]
    public async Task Start_WithPriority_StoresIt()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));

        var (location, _) = await StartAsync(id, """{ "priority": "high" }""");

        Assert.Equal("high", (await WaitForStatusAsync(location, "succeeded")).Str("priority"));
    }

    [Fact]
    public async Task Start_UnknownWorkflow_Returns404Problem()
    {
        using var response = await _http.PostJsonAsync($"api/v2/workflows/{Definitions.NewId("ghost")}/executions", "{}");

        var problem = await response.AssertProblemAsync(404);
        Assert.False(string.IsNullOrEmpty(problem.Str("detail")));
    }

    [Fact]
    public async Task Cancel_RunningExecution_Returns202AndEndsCancelled()
    {
        var id = await CreateAsync(Definitions.DelayJson(Definitions.NewId("delay"), "30s"));
        var (location, started) = await StartAsync(id);
        var executionId = started.GetProperty("id").GetGuid();
        await Poll.UntilAsync(() => _http.GetJsonAsync(location.TrimStart('/')),
            e => e.GetProperty("steps").EnumerateArray().Any(s => s.Str("key") == "wait"), what: "the delay step to be scheduled");

        using var cancel = await _http.PostAsync($"api/v2/executions/{executionId}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var body = await cancel.ReadJsonAsync();
        Assert.Equal("cancelled", body.Str("status"));
        var after = await WaitForStatusAsync(location, "cancelled", "succeeded", "failed");
        Assert.Equal("cancelled", after.Str("status"));
        Assert.NotEqual("succeeded", Step(after, "wait").Str("status"));
        Assert.DoesNotContain(after.GetProperty("steps").EnumerateArray(), s => s.Str("key") == "after");
    }

    [Fact]
    public async Task Cancel_FinishedExecution_Returns409()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));
        var (location, started) = await StartAsync(id);
        await WaitForStatusAsync(location, "succeeded");

        using var cancel = await _http.PostAsync($"api/v2/executions/{started.GetProperty("id").GetGuid()}/cancel", null);

        var problem = await cancel.AssertProblemAsync(409);
        Assert.Contains("succeeded", problem.Str("detail"));
    }

    [Fact]
    public async Task UnknownExecution_Returns404ForGetAndCancel()
    {
        var unknown = Guid.NewGuid();

        using var get = await _http.GetAsync($"api/v2/executions/{unknown}");
        await get.AssertProblemAsync(404);
        using var cancel = await _http.PostAsync($"api/v2/executions/{unknown}/cancel", null);
        await cancel.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Get_ExecutionIdNotAGuid_Returns404Problem()
    {
        using var get = await _http.GetAsync("api/v2/executions/not-a-guid");

        await get.AssertProblemAsync(404);
    }

    [Fact]
    public async Task List_FiltersByWorkflowAndStatus()
    {
        var hello = await CreateAsync(Definitions.HelloJson(Definitions.NewId("lista")));
        var delay = await CreateAsync(Definitions.DelayJson(Definitions.NewId("listb"), "30s"));
        var (first, _) = await StartAsync(hello);
        var (second, _) = await StartAsync(hello);
        var (_, waiting) = await StartAsync(delay);
        await WaitForStatusAsync(first, "succeeded");
        await WaitForStatusAsync(second, "succeeded");

        var all = await _http.GetJsonAsync($"api/v2/executions?workflow_id={hello}");
        Assert.Equal(2, all.GetProperty("items").GetArrayLength());
        Assert.All(all.GetProperty("items").EnumerateArray(), e => Assert.Equal(hello, e.Str("workflow_id")));
        Assert.All(all.GetProperty("items").EnumerateArray(), e => Assert.False(e.TryGetProperty("steps", out _)));

        var succeeded = await _http.GetJsonAsync($"api/v2/executions?workflow_id={hello}&status=succeeded");
        Assert.Equal(2, succeeded.GetProperty("items").GetArrayLength());
        var failed = await _http.GetJsonAsync($"api/v2/executions?workflow_id={hello}&status=failed");
        Assert.Equal(0, failed.GetProperty("items").GetArrayLength());

        var running = await _http.GetJsonAsync($"api/v2/executions?workflow_id={delay}&status=running");
        Assert.Equal(waiting.GetProperty("id").GetGuid(), Assert.Single(running.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        var paged = await _http.GetJsonAsync($"api/v2/executions?workflow_id={hello}&limit=1");
        Assert.Single(paged.GetProperty("items").EnumerateArray());
        var cursor = paged.Str("next_cursor");
        var rest = await _http.GetJsonAsync($"api/v2/executions?workflow_id={hello}&limit=1&cursor={Uri.EscapeDataString(cursor)}");
        Assert.NotEqual(paged.GetProperty("items")[0].Str("id"), Assert.Single(rest.GetProperty("items").EnumerateArray()).Str("id"));

        using var cancel = await _http.PostAsync($"api/v2/executions/{waiting.GetProperty("id").GetGuid()}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
    }

    [Fact]
    public async Task List_UnknownStatus_Returns400AtStatus()
    {
        using var response = await _http.GetAsync("api/v2/executions?status=exploded");

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("status", problem.ErrorKeys());
    }

    [Fact]
    public async Task List_BadSince_Returns400Problem()
    {
        using var response = await _http.GetAsync("api/v2/executions?since=yesterday");

        await response.AssertProblemAsync(400);
    }
}
