using System.Net;
using System.Text.Json;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Scheduling;

public sealed class ScheduleEndpointsTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<JsonElement> CreateAsync(string body)
    {
        using var response = await _http.PostJsonAsync("api/v2/schedules", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.ReadJsonAsync();
        Assert.Equal($"/api/v2/schedules/{created.Str("id")}", response.Headers.Location!.OriginalString);
        return created;
    }

    [Fact]
    public async Task Create_Read_Update_Delete_WithNextFireTimesInTheTimeZone()
    {
        var workflow = Definitions.NewId("sc");
        await _http.CreateWorkflowAsync(Definitions.HelloJson(workflow));
        var created = await CreateAsync($$"""
            { "workflow_id": "{{workflow}}", "cron": "0 9 * * 1-5", "time_zone": "Europe/Berlin", "inputs": { "who": "Ada" },
              "priority": "high", "misfire_policy": "skip" }
            """);
        var id = created.Str("id");
        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.Equal("high", created.Str("priority"));
        Assert.Equal("skip", created.Str("misfire_policy"));
        Assert.Equal("Ada", created.GetProperty("inputs").Str("who"));
        var next = created.GetProperty("next_fire_times").EnumerateArray().Select(t => t.GetDateTimeOffset()).ToList();
        Assert.Equal(5, next.Count);
        Assert.Equal(created.GetProperty("next_fire_at").GetDateTimeOffset(), next[0]);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(next, t =>
        {
            var local = TimeZoneInfo.ConvertTime(t, berlin);
            Assert.Equal(9, local.Hour);
            Assert.Equal(0, local.Minute);
            Assert.InRange((int)local.DayOfWeek, 1, 5);
        });

        var read = await _http.GetJsonAsync($"api/v2/schedules/{id}?count=12");
        Assert.Equal(12, read.GetProperty("next_fire_times").GetArrayLength());
        var listed = await _http.GetJsonAsync($"api/v2/schedules?workflow_id={workflow}");
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).Str("id"));

        using (var update = await _http.PutAsync($"api/v2/schedules/{id}", HttpJson.Json("""{ "cron": "30 6 * * *", "time_zone": "UTC" }""")))
        {
            Assert.True(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync());
            var updated = await update.ReadJsonAsync();
            Assert.Equal("30 6 * * *", updated.Str("cron"));
            Assert.Equal("Ada", updated.GetProperty("inputs").Str("who"));
            Assert.All(updated.GetProperty("next_fire_times").EnumerateArray(), t => Assert.Equal(new TimeSpan(6, 30, 0), t.GetDateTimeOffset().UtcDateTime.TimeOfDay));
        }

        using (var pause = await _http.PostAsync($"api/v2/schedules/{id}/pause", null))
        {
            var paused = await pause.ReadJsonAsync();
            Assert.False(paused.GetProperty("enabled").GetBoolean());
            Assert.Equal(0, paused.GetProperty("next_fire_times").GetArrayLength());
            Assert.False(paused.TryGetProperty("next_fire_at", out _));
        }
        using (var resume = await _http.PostAsync($"api/v2/schedules/{id}/resume", null))
            Assert.True((await resume.ReadJsonAsync()).GetProperty("enabled").GetBoolean());

        using (var delete = await _http.DeleteAsync($"api/v2/schedules/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var gone = await _http.GetAsync($"api/v2/schedules/{id}"))
            await gone.AssertProblemAsync(404);
    }

    [Theory]
    [InlineData("""{ "cron": "0 9 * * *" }""", "$.workflow_id")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "61 * * * *" }""", "$.cron")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "* * * *" }""", "$.cron")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "0 0 30 2 *" }""", "$.cron")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "0 9 * * *", "time_zone": "Mars/Olympus" }""", "$.time_zone")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "0 9 * * *", "priority": "urgent" }""", "$.priority")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "0 9 * * *", "misfire_policy": "sometimes" }""", "$.misfire_policy")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "0 9 * * *", "inputs": [] }""", "$.inputs")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "0 9 * * *", "inputs": { "count": "many" } }""", "$.inputs.count")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "0 9 * * *", "enabled": "yes" }""", "$.enabled")]
    [InlineData("""{ "workflow_id": "no-such-workflow", "cron": "0 9 * * *" }""", "$.workflow_id")]
    [InlineData("""{ "workflow_id": "WORKFLOW", "cron": "0 9 * * *", "color": "red" }""", "$.color")]
    [InlineData("""[1]""", "$")]
    public async Task Create_WithBadInput_Answers400NamingTheField_AndStoresNothing(string body, string field)
    {
        var workflow = Definitions.NewId("sc");
        await _http.CreateWorkflowAsync(Definitions.RequiredInputJson(workflow));
        body = body.Replace("WORKFLOW", workflow, StringComparison.Ordinal);

        using var response = await _http.PostJsonAsync("api/v2/schedules", body);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(field, problem.ErrorKeys());
        var listed = await _http.GetJsonAsync($"api/v2/schedules?workflow_id={workflow}");
        Assert.Equal(0, listed.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task UnknownIds_Answer404_AndBadCountsAndLimits400()
    {
        var unknown = Guid.NewGuid();
        using (var get = await _http.GetAsync($"api/v2/schedules/{unknown}")) await get.AssertProblemAsync(404);
        using (var put = await _http.PutAsync($"api/v2/schedules/{unknown}", HttpJson.Json("{}"))) await put.AssertProblemAsync(404);
        using (var delete = await _http.DeleteAsync($"api/v2/schedules/{unknown}")) await delete.AssertProblemAsync(404);
        using (var pause = await _http.PostAsync($"api/v2/schedules/{unknown}/pause", null)) await pause.AssertProblemAsync(404);
        using (var resume = await _http.PostAsync($"api/v2/schedules/{unknown}/resume", null)) await resume.AssertProblemAsync(404);
        using (var count = await _http.GetAsync($"api/v2/schedules/{unknown}?count=0"))
            Assert.Contains("count", (await count.AssertProblemAsync(400)).ErrorKeys());
        using (var limit = await _http.GetAsync("api/v2/schedules?limit=501"))
            Assert.Contains("limit", (await limit.AssertProblemAsync(400)).ErrorKeys());
    }

    [Fact]
    public async Task An_every_second_schedule_starts_cron_executions_until_paused()
    {
        var workflow = Definitions.NewId("sc");
        await _http.CreateWorkflowAsync(Definitions.HelloJson(workflow));
        var id = (await CreateAsync($$"""{ "workflow_id": "{{workflow}}", "cron": "* * * * * *", "inputs": { "who": "cron" } }""")).Str("id");

        var runs = await Poll.UntilAsync(() => CronRunsAsync(workflow), r => r.Count >= 3, TimeSpan.FromSeconds(20), "three cron runs");
        Assert.All(runs, r => Assert.Equal("cron", r.Str("trigger")));
        Assert.All(runs, r => Assert.Equal("cron", r.GetProperty("inputs").Str("who")));

        using (var pause = await _http.PostAsync($"api/v2/schedules/{id}/pause", null)) Assert.True(pause.IsSuccessStatusCode);
        var afterPause = (await CronRunsAsync(workflow)).Count;
        // Two more seconds pass without a fire: wait for a later execution of another workflow as the clock.
        var clock = Definitions.NewId("clock");
        await _http.CreateWorkflowAsync(Definitions.DelayJson(clock, "2s"));
        await _http.WaitForAsync(await _http.StartAsync(clock), "succeeded");
        Assert.Equal(afterPause, (await CronRunsAsync(workflow)).Count);
    }

    private async Task<List<JsonElement>> CronRunsAsync(string workflow) =>
        [.. (await _http.GetJsonAsync($"api/v2/executions?workflow_id={workflow}&trigger=cron&limit=500")).GetProperty("items").EnumerateArray()];
}
