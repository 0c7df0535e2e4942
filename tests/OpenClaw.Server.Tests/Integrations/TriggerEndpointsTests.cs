using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Integrations;

/// <summary>The trigger management API: validation, updates, secrets shown once, tenant isolation.</summary>
public sealed class TriggerEndpointsTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<string> WorkflowAsync()
    {
        var json = Definitions.HelloJson(Definitions.NewId());
        using var response = await _http.PostJsonAsync("api/v2/workflows", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(json).RootElement.Str("id");
    }

    private async Task<int> CountAsync() => (await _http.GetJsonAsync("api/v2/triggers")).GetArrayLength();

    [Theory]
    [InlineData("{ \"workflow_id\": ", "$")]
    [InlineData("\"just a string\"", "$")]
    [InlineData("""{ "mode": "async" }""", "$.workflow_id")]
    [InlineData("""{ "workflow_id": "no-such-workflow" }""", "$.workflow_id")]
    [InlineData("""{ "workflow_id": "WF", "mode": "eventually" }""", "$.mode")]
    [InlineData("""{ "workflow_id": "WF", "methods": ["DELETE"] }""", "$.methods[0]")]
    [InlineData("""{ "workflow_id": "WF", "methods": "POST" }""", "$.methods")]
    [InlineData("""{ "workflow_id": "WF", "input_mapping": "magic" }""", "$.input_mapping")]
    [InlineData("""{ "workflow_id": "WF", "enabled": "yes" }""", "$.enabled")]
    [InlineData("""{ "workflow_id": "WF", "require_timestamp": true }""", "$.require_timestamp")]
    [InlineData("""{ "workflow_id": "WF", "sync_timeout_seconds": 9999 }""", "$.sync_timeout_seconds")]
    [InlineData("""{ "workflow_id": "WF", "sync_timeout_seconds": "10" }""", "$.sync_timeout_seconds")]
    [InlineData("""{ "workflow_id": "WF", "name": "<script>alert(1)</script>" }""", "$.name")]
    [InlineData("""{ "workflow_id": "WF", "path": "my-own-path" }""", "$.path")]
    public async Task Create_BadInput_IsAProblemNamingTheField_AndNothingIsStored(string body, string field)
    {
        var workflow = await WorkflowAsync();
        var before = await CountAsync();
        using var response = await _http.PostJsonAsync("api/v2/triggers", body.Replace("\"WF\"", $"\"{workflow}\"", StringComparison.Ordinal));
        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(field, problem.ErrorKeys());
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Update_ChangesSettings_TurningSignaturesOnShowsTheSecretOnce_OffForgetsIt()
    {
        var workflow = await WorkflowAsync();
        using var created = await _http.PostJsonAsync("api/v2/triggers", $$"""{ "workflow_id": "{{workflow}}" }""");
        var id = (await created.ReadJsonAsync()).Str("id");

        using (var on = await _http.PutAsync($"api/v2/triggers/{id}", HttpJson.Json("""{ "require_signature": true, "mode": "sync", "methods": ["POST", "GET"] }""")))
        {
            var body = await on.ReadJsonAsync();
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
            Assert.StartsWith("whsec_", body.Str("signing_secret"));
            Assert.True(body.GetProperty("require_signature").GetBoolean());
            Assert.Equal("sync", body.Str("mode"));
            Assert.False(body.TryGetProperty("path", out _));
        }
        using (var rotate = await _http.PostAsync($"api/v2/triggers/{id}/rotate-secret", null))
            Assert.StartsWith("whsec_", (await rotate.ReadJsonAsync()).Str("signing_secret"));
        using (var off = await _http.PutAsync($"api/v2/triggers/{id}", HttpJson.Json("""{ "require_signature": false }""")))
            Assert.False((await off.ReadJsonAsync()).GetProperty("require_signature").GetBoolean());
        using (var rotate = await _http.PostAsync($"api/v2/triggers/{id}/rotate-secret", null))
            Assert.Contains("$.require_signature", (await rotate.AssertProblemAsync(400)).ErrorKeys());
        using (var bad = await _http.PutAsync($"api/v2/triggers/{id}", HttpJson.Json("""{ "mode": 1 }""")))
            Assert.Contains("$.mode", (await bad.AssertProblemAsync(400)).ErrorKeys());
        Assert.Equal("sync", (await _http.GetJsonAsync($"api/v2/triggers/{id}")).Str("mode"));
    }

    [Fact]
    public async Task AnotherTenantsTrigger_Is404_ForEveryOperation()
    {
        var now = DateTimeOffset.UtcNow;
        var id = Guid.NewGuid();
        await server.Services.GetRequiredService<ITriggerStore>().CreateAsync(new TriggerRecord(id, "tenant-b", "wf", "theirs",
            Guid.NewGuid().ToString("N"), "abcdef", "async", ["POST"], "body", true, null, null, false, 30_000, now, now, "b"));

        using (var r = await _http.GetAsync($"api/v2/triggers/{id}")) await r.AssertProblemAsync(404);
        using (var r = await _http.PutAsync($"api/v2/triggers/{id}", HttpJson.Json("""{ "enabled": false }"""))) await r.AssertProblemAsync(404);
        using (var r = await _http.PostAsync($"api/v2/triggers/{id}/rotate-path", null)) await r.AssertProblemAsync(404);
        using (var r = await _http.PostAsync($"api/v2/triggers/{id}/rotate-secret", null)) await r.AssertProblemAsync(404);
        using (var r = await _http.DeleteAsync($"api/v2/triggers/{id}")) await r.AssertProblemAsync(404);
        Assert.DoesNotContain(id.ToString(), (await _http.GetJsonAsync("api/v2/triggers")).GetRawText());
        Assert.True((await server.Services.GetRequiredService<ITriggerStore>().GetAsync("tenant-b", id))!.Enabled);
    }
}
