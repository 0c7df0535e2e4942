using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Caching;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

/// <summary>Immutable versions, draft/published status, and which version a start runs.</summary>
public sealed class WorkflowVersionEndpointsTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<string> CreateWithVersionsAsync(int versions)
    {
        var id = Definitions.NewId("ver");
        using (var created = await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id, "Name 1")))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        for (var n = 2; n <= versions; n++) await SaveAsync(id, $"Name {n}");
        return id;
    }

    private async Task SaveAsync(string id, string name)
    {
        using var updated = await _http.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.HelloJson(id, name)));
        Assert.True(updated.StatusCode == HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> PublishAsync(string id, string body) => _http.PostJsonAsync($"api/v2/workflows/{id}/publish", body);

    /// <summary>Starts a run naming <paramref name="version"/> (or none) and returns the version it ran.</summary>
    private async Task<int> RunAsync(string id, int? version = null)
    {
        using var started = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", version is null ? "{}" : $$"""{"version":{{version}}}""");
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var location = started.Headers.Location!.OriginalString.TrimStart('/');
        return (await _http.GetJsonAsync(location)).GetProperty("workflow_version").GetInt32();
    }

    private async Task<List<(int Version, string Status)>> VersionsAsync(string id)
    {
        var page = await _http.GetJsonAsync($"api/v2/workflows/{id}/versions");
        return page.GetProperty("items").EnumerateArray().Select(v => (v.GetProperty("version").GetInt32(), v.Str("status"))).ToList();
    }

    [Fact]
    public async Task Versions_ListNewestFirst_WithStatusAuthorAndTime_PagedByCursor()
    {
        var id = await CreateWithVersionsAsync(3);

        var first = await _http.GetJsonAsync($"api/v2/workflows/{id}/versions?limit=2");
        var items = first.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([3, 2], items.Select(v => v.GetProperty("version").GetInt32()));
        Assert.All(items, v => Assert.Equal("draft", v.Str("status")));
        Assert.Equal("Name 3", items[0].Str("name"));
        Assert.False(string.IsNullOrEmpty(items[0].Str("author")));
        Assert.True(items[0].GetProperty("created_at").GetDateTimeOffset() >= items[1].GetProperty("created_at").GetDateTimeOffset());
        var cursor = first.Str("next_cursor");
        var second = await _http.GetJsonAsync($"api/v2/workflows/{id}/versions?limit=2&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal([1], second.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.False(second.TryGetProperty("next_cursor", out _));
    }

    [Fact]
    public async Task NeverPublished_StartsRunTheLatestVersion()
    {
        var id = await CreateWithVersionsAsync(2);

        Assert.Equal(2, await RunAsync(id));
        var workflow = await _http.GetJsonAsync($"api/v2/workflows/{id}");
        Assert.Equal("draft", workflow.Str("status"));
        Assert.False(workflow.TryGetProperty("published_version", out _));
    }

    [Fact]
    public async Task Published_RunsUntilAnotherIsPublished_EditsAreDrafts()
    {
        var id = await CreateWithVersionsAsync(1);
        Assert.Equal(1, await RunAsync(id));

        using (var published = await PublishAsync(id, """{"version":1}"""))
        {
            Assert.Equal(HttpStatusCode.OK, published.StatusCode);
            var body = await published.ReadJsonAsync();
            Assert.Equal(1, body.GetProperty("published_version").GetInt32());
            Assert.Equal("published", body.Str("status"));
        }
        // The start above cached the workflow; the edit must invalidate it, yet still not change what runs.
        await SaveAsync(id, "Name 2");
        Assert.Equal(1, await RunAsync(id));
        Assert.Equal(2, await RunAsync(id, version: 2));
        Assert.Equal([(2, "draft"), (1, "published")], await VersionsAsync(id));

        (await PublishAsync(id, """{"version":2}""")).Dispose();
        Assert.Equal(2, await RunAsync(id));
        Assert.Equal([(2, "published"), (1, "archived")], await VersionsAsync(id));

        // Going back is allowed: publishing an older version makes it the one that runs again.
        (await PublishAsync(id, """{"version":1}""")).Dispose();
        Assert.Equal(1, await RunAsync(id));
        Assert.Equal([(2, "draft"), (1, "published")], await VersionsAsync(id));
    }

    [Fact]
    public async Task GetVersion_ReturnsThatVersionsDefinitionAndStatus()
    {
        var id = await CreateWithVersionsAsync(2);
        (await PublishAsync(id, """{"version":2}""")).Dispose();

        var v1 = await _http.GetJsonAsync($"api/v2/workflows/{id}/versions/1");
        Assert.Equal(1, v1.GetProperty("version").GetInt32());
        Assert.Equal("archived", v1.Str("status"));
        Assert.Equal("Name 1", v1.Str("name"));
        Assert.Equal("Name 1", v1.GetProperty("definition").Str("name"));
        Assert.Equal("published", (await _http.GetJsonAsync($"api/v2/workflows/{id}/versions/2")).Str("status"));
        using var missing = await _http.GetAsync($"api/v2/workflows/{id}/versions/3");
        await missing.AssertProblemAsync(404);
        using var noWorkflow = await _http.GetAsync($"api/v2/workflows/{Definitions.NewId("none")}/versions");
        await noWorkflow.AssertProblemAsync(404);
    }

    [Theory]
    [InlineData("{ not json", "$")]
    [InlineData("[1]", "$")]
    [InlineData("{}", "$.version")]
    [InlineData("""{"version":"2"}""", "$.version")]
    [InlineData("""{"version":0}""", "$.version")]
    [InlineData("""{"version":1.5}""", "$.version")]
    [InlineData("""{"version":1,"force":true}""", "$.force")]
    [InlineData("""{"version":99}""", "$.version")]
    [InlineData("""{"version":"1; DROP TABLE workflows"}""", "$.version")]
    public async Task Publish_BadInput_IsAProblemNamingTheField_AndChangesNothing(string body, string field)
    {
        var id = await CreateWithVersionsAsync(1);

        using var response = await PublishAsync(id, body);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(field, problem.ErrorKeys());
        var workflow = await _http.GetJsonAsync($"api/v2/workflows/{id}");
        Assert.False(workflow.TryGetProperty("published_version", out _));
        Assert.Equal("draft", workflow.Str("status"));
    }

    [Fact]
    public async Task Publish_UnknownWorkflow_Is404()
    {
        using var response = await PublishAsync(Definitions.NewId("none"), """{"version":1}""");

        await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Cache_HoldsTheWorkflowUnderTheSpecKey_AndEveryChangeInvalidatesIt()
    {
        var cache = server.Services.GetRequiredService<ICache>();
        var id = await CreateWithVersionsAsync(1);
        var key = CacheKeys.Workflow("default", id);
        Assert.Null(await cache.GetAsync(key));

        await RunAsync(id);
        Assert.Contains("\"version\":1", await cache.GetAsync(key));
        await SaveAsync(id, "Name 2");
        Assert.Null(await cache.GetAsync(key));

        await RunAsync(id);
        Assert.NotNull(await cache.GetAsync(key));
        (await PublishAsync(id, """{"version":1}""")).Dispose();
        Assert.Null(await cache.GetAsync(key));

        await RunAsync(id);
        Assert.NotNull(await cache.GetAsync(key));
        // Deleting waits for the runs to finish (it is refused while any is unfinished).
        await Poll.UntilAsync(async () =>
        {
            using var deleted = await _http.DeleteAsync($"api/v2/workflows/{id}");
            return deleted.StatusCode;
        }, status => status == HttpStatusCode.NoContent, what: "the workflow to be deleted");
        Assert.Null(await cache.GetAsync(key));
        using var gone = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
        await gone.AssertProblemAsync(404);
    }

    [Fact]
    public async Task AnotherTenant_GetsNotFound_ForVersionsPublishAndEventStreams()
    {
        var id = await CreateWithVersionsAsync(2);
        using var started = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
        var executionId = (await started.ReadJsonAsync()).GetProperty("id").GetGuid();
        var other = await server.CreateTenantClientAsync("platform-other", "admin");
        var ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        using (var versions = await other.GetAsync($"api/v2/workflows/{id}/versions")) await versions.AssertProblemAsync(404);
        using (var version = await other.GetAsync($"api/v2/workflows/{id}/versions/1")) await version.AssertProblemAsync(404);
        using (var publish = await other.PostJsonAsync($"api/v2/workflows/{id}/publish", """{"version":1}""")) await publish.AssertProblemAsync(404);
        using (var events = await EventStreamReader.OpenAsync(other, $"api/v2/executions/{executionId}/events", ct)) await events.AssertProblemAsync(404);

        // The other tenant's stream starts with its own (empty) snapshot, never this tenant's executions.
        using var stream = await EventStreamReader.OpenAsync(other, "api/v2/executions/events", ct);
        using var reader = new EventStreamReader(await stream.Content.ReadAsStreamAsync(ct));
        var snapshot = await reader.NextAsync(ct);
        Assert.Empty(snapshot!.Data.GetProperty("executions").EnumerateArray());
        Assert.False((await _http.GetJsonAsync($"api/v2/workflows/{id}")).TryGetProperty("published_version", out _));
    }
}
