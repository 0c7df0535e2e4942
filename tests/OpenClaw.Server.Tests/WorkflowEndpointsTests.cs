using System.Net;
using System.Text;
using System.Text.Json;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

public sealed class WorkflowEndpointsTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    [Fact]
    public async Task Create_FromJson_Returns201WithLocationAndStoredWorkflow()
    {
        var id = Definitions.NewId();
        using var response = await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v2/workflows/{id}", response.Headers.Location?.OriginalString);
        var body = await response.ReadJsonAsync();
        Assert.Equal(id, body.Str("id"));
        Assert.Equal("Hello", body.Str("name"));
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal("draft", body.Str("status"));
        Assert.Equal(id, body.GetProperty("definition").Str("id"));

        var fetched = await _http.GetJsonAsync(response.Headers.Location!.OriginalString.TrimStart('/'));
        Assert.Equal(id, fetched.Str("id"));
        Assert.Equal(2, fetched.GetProperty("definition").GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task Create_FromYaml_ParsesYamlAndStoresItAsJson()
    {
        var id = Definitions.NewId("yaml");
        using var response = await _http.PostAsync("api/v2/workflows", HttpJson.Yaml(Definitions.HelloYaml(id)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.EndsWith($"/workflows/{id}", response.Headers.Location?.OriginalString);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Hello from YAML", body.Str("name"));
        var steps = body.GetProperty("definition").GetProperty("steps");
        Assert.Equal(["greet", "done"], steps.EnumerateArray().Select(s => s.Str("id")).ToArray());
    }

    [Fact]
    public async Task Create_OnV1_IsReadableOnV2()
    {
        var id = Definitions.NewId("v1");
        using var response = await _http.PostJsonAsync("api/v1/workflows", Definitions.HelloJson(id));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/workflows/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(id, (await _http.GetJsonAsync($"api/v2/workflows/{id}")).Str("id"));
    }

    [Fact]
    public async Task Create_DuplicateId_Returns409Problem()
    {
        var id = Definitions.NewId();
        using var first = await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var second = await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id, "Other"));

        var problem = await second.AssertProblemAsync(409);
        Assert.Contains(id, problem.Str("detail"));
        Assert.Equal("Hello", (await _http.GetJsonAsync($"api/v2/workflows/{id}")).Str("name"));
    }

    [Fact]
    public async Task Create_InvalidDefinition_Returns400WithEveryErrorKeyedByJsonPath()
    {
        var id = Definitions.NewId("bad");
        using var response = await _http.PostJsonAsync("api/v2/workflows", Definitions.InvalidJson(id));

        var problem = await response.AssertProblemAsync(400);
        var keys = problem.ErrorKeys();
        Assert.Contains("$.steps[1].next_steps[0]", keys);
        Assert.Contains("$.steps[0].config.plugin", keys);
        Assert.Contains("$.inputs[0].default", keys);
        Assert.All(problem.GetProperty("errors").EnumerateObject(), e => Assert.True(e.Value.GetArrayLength() > 0));
        Assert.Contains("nowhere", problem.GetProperty("errors").GetProperty("$.steps[1].next_steps[0]")[0].GetString());

        using var get = await _http.GetAsync($"api/v2/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Create_MalformedJson_Returns400ProblemAndStoresNothing()
    {
        var id = Definitions.NewId("malformed");
        using var response = await _http.PostJsonAsync("api/v2/workflows", $$"""{ "id": "{{id}}", "name": "x", "steps": [ """);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("$", problem.ErrorKeys());
        Assert.Contains("Invalid JSON", problem.GetProperty("errors").GetProperty("$")[0].GetString());

        using var get = await _http.GetAsync($"api/v2/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        var list = await _http.GetJsonAsync($"api/v2/workflows?search={id}");
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Create_MalformedYaml_Returns400WithTheLine()
    {
        using var response = await _http.PostAsync("api/v2/workflows", HttpJson.Yaml("id: broken\nsteps: [ { id: a\n  - nope: ]\n"));

        var problem = await response.AssertProblemAsync(400);
        var messages = problem.GetProperty("errors").EnumerateObject().SelectMany(e => e.Value.EnumerateArray()).Select(m => m.GetString()).ToList();
        Assert.Contains(messages, m => m!.Contains("line", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Create_EmptyBody_Returns400Problem()
    {
        using var response = await _http.PostJsonAsync("api/v2/workflows", "");

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("$", problem.ErrorKeys());
    }

    [Fact]
    public async Task Create_BodyOverTheLimit_Returns413AndStoresNothing()
    {
        var id = Definitions.NewId("big");
        var padding = new string('x', (int)TestServer.MaxRequestBodyBytes + 1024);
        var json = Definitions.HelloJson(id).Replace("Greets someone.", padding, StringComparison.Ordinal);

        using var response = await _http.PostJsonAsync("api/v2/workflows", json);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var get = await _http.GetAsync($"api/v2/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Create_ChunkedBodyOverTheLimit_Returns413()
    {
        var id = Definitions.NewId("chunked");
        var padding = new string('x', (int)TestServer.MaxRequestBodyBytes + 1024);
        var bytes = Encoding.UTF8.GetBytes(Definitions.HelloJson(id).Replace("Greets someone.", padding, StringComparison.Ordinal));
        // No Content-Length: Kestrel can only find out while reading.
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = HttpJson.MediaType("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/workflows") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Update_CreatesVersion2_AndVersion1StaysReadable()
    {
        var id = Definitions.NewId();
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id, "First"))).Dispose();

        using var update = await _http.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.HelloJson(id, "Second")));

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var saved = await update.ReadJsonAsync();
        Assert.Equal(2, saved.GetProperty("version").GetInt32());
        Assert.Equal("Second", saved.Str("name"));

        var current = await _http.GetJsonAsync($"api/v2/workflows/{id}");
        Assert.Equal(2, current.GetProperty("version").GetInt32());
        Assert.Equal("Second", current.GetProperty("definition").Str("name"));

        var v1 = await _http.GetJsonAsync($"api/v2/workflows/{id}?version=1");
        Assert.Equal(1, v1.GetProperty("version").GetInt32());
        Assert.Equal("First", v1.Str("name"));
        Assert.Equal("First", v1.GetProperty("definition").Str("name"));

        using var v3 = await _http.GetAsync($"api/v2/workflows/{id}?version=3");
        await v3.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Update_WithStaleIfMatch_Returns409AndKeepsTheWorkflow()
    {
        var id = Definitions.NewId();
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id, "First"))).Dispose();
        (await _http.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.HelloJson(id, "Second")))).Dispose();

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"api/v2/workflows/{id}") { Content = HttpJson.Json(Definitions.HelloJson(id, "Lost")) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var conflict = await _http.SendAsync(stale);

        await conflict.AssertProblemAsync(409);
        var current = await _http.GetJsonAsync($"api/v2/workflows/{id}");
        Assert.Equal("Second", current.Str("name"));
        Assert.Equal(2, current.GetProperty("version").GetInt32());

        using var fresh = new HttpRequestMessage(HttpMethod.Put, $"api/v2/workflows/{id}") { Content = HttpJson.Json(Definitions.HelloJson(id, "Third")) };
        fresh.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        using var ok = await _http.SendAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(3, (await ok.ReadJsonAsync()).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Get_ReturnsVersionAsETag_WhichIfMatchAccepts()
    {
        var id = Definitions.NewId();
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();

        using var get = await _http.GetAsync($"api/v2/workflows/{id}");
        var etag = get.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal("\"1\"", etag.Tag);

        using var put = new HttpRequestMessage(HttpMethod.Put, $"api/v2/workflows/{id}") { Content = HttpJson.Json(Definitions.HelloJson(id, "Edited")) };
        put.Headers.IfMatch.Add(etag);
        using var saved = await _http.SendAsync(put);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("\"2\"", saved.Headers.ETag?.Tag);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"1\"")]
    public async Task Update_IfMatchWildcardOrWeakTag_IsAccepted(string ifMatch)
    {
        var id = Definitions.NewId();
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();

        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v2/workflows/{id}") { Content = HttpJson.Json(Definitions.HelloJson(id, "Edited")) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.ReadJsonAsync()).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Update_MalformedIfMatch_Returns400()
    {
        var id = Definitions.NewId();
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();

        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v2/workflows/{id}") { Content = HttpJson.Json(Definitions.HelloJson(id, "x")) };
        request.Headers.TryAddWithoutValidation("If-Match", "\"abc\"");
        using var response = await _http.SendAsync(request);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("If-Match", problem.ErrorKeys());
    }

    [Fact]
    public async Task Update_IdDifferentFromUrl_Returns400AtDollarId()
    {
        var id = Definitions.NewId();
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();

        using var response = await _http.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.HelloJson(Definitions.NewId())));

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal(["$.id"], problem.ErrorKeys());
    }

    [Fact]
    public async Task Update_UnknownWorkflow_Returns404()
    {
        var id = Definitions.NewId("ghost");
        using var response = await _http.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.HelloJson(id)));

        await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Update_InvalidDefinition_Returns400AndKeepsVersion1()
    {
        var id = Definitions.NewId();
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();

        using var response = await _http.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.InvalidJson(id)));

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("$.steps[1].next_steps[0]", problem.ErrorKeys());
        Assert.Equal(1, (await _http.GetJsonAsync($"api/v2/workflows/{id}")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task List_SearchesAndPagesWithACursor()
    {
        var prefix = "page" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            var id = $"{prefix}-{i}";
            ids.Add(id);
            using var created = await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id, $"Paged {i}"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(Definitions.NewId("other")))).Dispose();

        var seen = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            var page = await _http.GetJsonAsync($"api/v2/workflows?search={prefix}&limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            var items = page.GetProperty("items");
            Assert.InRange(items.GetArrayLength(), 1, 2);
            foreach (var item in items.EnumerateArray())
            {
                seen.Add(item.Str("id"));
                Assert.False(item.TryGetProperty("definition", out _), "a list holds summaries, not definitions");
            }
            cursor = page.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("status=deleted", "status")]
    public async Task List_BadQuery_Returns400NamingTheParameter(string query, string parameter)
    {
        using var response = await _http.GetAsync($"api/v2/workflows?{query}");

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(parameter, problem.ErrorKeys());
    }

    [Fact]
    public async Task List_ByStatus_ReturnsOnlyThatStatus()
    {
        var id = Definitions.NewId("status");
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();

        var drafts = await _http.GetJsonAsync($"api/v2/workflows?status=draft&search={id}");
        var published = await _http.GetJsonAsync($"api/v2/workflows?status=published&search={id}");

        Assert.Equal(id, Assert.Single(drafts.GetProperty("items").EnumerateArray()).Str("id"));
        Assert.Equal(0, published.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task List_LimitNotANumber_Returns400Problem()
    {
        using var response = await _http.GetAsync("api/v2/workflows?limit=lots");

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task Delete_Returns204_ThenTheWorkflowIsGone()
    {
        var id = Definitions.NewId();
        (await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();

        using var deleted = await _http.DeleteAsync($"api/v2/workflows/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var get = await _http.GetAsync($"api/v2/workflows/{id}");
        await get.AssertProblemAsync(404);
        using var again = await _http.DeleteAsync($"api/v2/workflows/{id}");
        await again.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Get_UnknownWorkflow_Returns404Problem()
    {
        using var response = await _http.GetAsync($"api/v2/workflows/{Definitions.NewId("nope")}");

        await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Validate_ValidDefinition_SaysValidAndStoresNothing()
    {
        var id = Definitions.NewId("check");
        using var response = await _http.PostAsync("api/v2/workflows/validate", HttpJson.Yaml(Definitions.HelloYaml(id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("valid").GetBoolean());
        Assert.Equal(0, body.GetProperty("errors").GetArrayLength());
        using var get = await _http.GetAsync($"api/v2/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Validate_InvalidDefinition_ListsEveryErrorWithPathMessageAndCode()
    {
        using var response = await _http.PostJsonAsync("api/v2/workflows/validate", Definitions.InvalidJson(Definitions.NewId()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("valid").GetBoolean());
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.Str("path") == "$.steps[1].next_steps[0]");
        Assert.Contains(errors, e => e.Str("path") == "$.steps[0].config.plugin");
        Assert.Contains(errors, e => e.Str("path") == "$.inputs[0].default");
        Assert.All(errors, e =>
        {
            Assert.False(string.IsNullOrEmpty(e.Str("message")));
            Assert.False(string.IsNullOrEmpty(e.Str("code")));
        });
    }

    [Fact]
    public async Task Validate_MalformedJson_ReportsASyntaxError()
    {
        using var response = await _http.PostJsonAsync("api/v2/workflows/validate", "{ \"id\": ");

        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("valid").GetBoolean());
        Assert.Equal("$", body.GetProperty("errors")[0].Str("path"));
    }

    [Fact]
    public async Task Responses_AreSnakeCase()
    {
        var id = Definitions.NewId();
        using var response = await _http.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id));
        var body = await response.ReadJsonAsync();

        Assert.True(body.TryGetProperty("created_at", out _));
        Assert.True(body.TryGetProperty("updated_at", out _));
        Assert.False(body.TryGetProperty("createdAt", out _));
        Assert.True(body.GetProperty("definition").GetProperty("steps")[0].TryGetProperty("next_steps", out _));
    }
}
