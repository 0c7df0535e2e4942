using System.Text.Json;
using OpenClaw.Runtime.Scheduling;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Scheduling;

/// <summary>Two schedulers (two full hosts) on one PostgreSQL database race for every fire time of the same schedules.</summary>
public sealed class CronNoDoubleFireTests(SharedTwoPostgresNodes hosts) : IClassFixture<SharedTwoPostgresNodes>
{
    [PostgresFact]
    public async Task Two_schedulers_fire_each_time_exactly_once_with_no_gaps()
    {
        var http = hosts.A.Client;
        var workflow = Definitions.NewId("dbl");
        await http.CreateWorkflowAsync(Definitions.HelloJson(workflow));
        // Three every-second schedules: each second the two schedulers race three times.
        var schedules = new List<Guid>();
        for (int i = 0; i < 3; i++)
        {
            using var created = await (i % 2 == 0 ? hosts.A : hosts.B).Client.PostJsonAsync("api/v2/schedules",
                $$"""{ "workflow_id": "{{workflow}}", "cron": "* * * * * *" }""");
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            schedules.Add((await created.ReadJsonAsync()).GetProperty("id").GetGuid());
        }

        // Each schedule fires at least five times (schedules made under load start seconds apart).
        await Poll.UntilAsync(() => RunsAsync(http, workflow), r => schedules.All(s => FireTimes(s, r).Count >= 5), TimeSpan.FromSeconds(90),
            "five cron runs of every schedule");
        foreach (var id in schedules)
        {
            using var pause = await http.PostAsync($"api/v2/schedules/{id}/pause", null);
            Assert.True(pause.IsSuccessStatusCode);
        }

        var runs = await RunsAsync(http, workflow);
        Assert.Equal(runs.Count, runs.Select(r => r.GetProperty("id").GetGuid()).Distinct().Count());
        // Every run is one fire time of one schedule (its id derives from both); per schedule the fire times form an
        // unbroken run of consecutive seconds: none skipped, and (ids being unique) none started twice.
        int matched = 0;
        foreach (var schedule in schedules)
        {
            var fired = FireTimes(schedule, runs);
            Assert.True(fired.Count >= 5, $"schedule {schedule} fired {fired.Count} times");
            for (int i = 1; i < fired.Count; i++) Assert.Equal(fired[i - 1].AddSeconds(1), fired[i]);
            matched += fired.Count;
        }
        Assert.Equal(runs.Count, matched);
    }

    /// <summary>The fire times of <paramref name="schedule"/> that made one of <paramref name="runs"/>: seconds near the runs' creation.</summary>
    private static List<DateTimeOffset> FireTimes(Guid schedule, List<JsonElement> runs)
    {
        if (runs.Count == 0) return [];
        var ids = runs.Select(r => r.GetProperty("id").GetGuid()).ToHashSet();
        var start = runs.Min(r => r.GetProperty("created_at").GetDateTimeOffset()).AddSeconds(-30);
        var end = runs.Max(r => r.GetProperty("created_at").GetDateTimeOffset()).AddSeconds(5);
        var fired = new List<DateTimeOffset>();
        for (var t = new DateTimeOffset(start.Ticks - start.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero); t <= end; t = t.AddSeconds(1))
        {
            if (ids.Contains(CronScheduler.ExecutionIdFor(schedule, t))) fired.Add(t);
        }
        return fired;
    }

    private static async Task<List<JsonElement>> RunsAsync(HttpClient http, string workflow) =>
        [.. (await http.GetJsonAsync($"api/v2/executions?workflow_id={workflow}&trigger=cron&limit=500")).GetProperty("items").EnumerateArray()];
}
