using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using OpenClaw.Storage.Tests.Postgres;
using Xunit.Abstractions;

namespace OpenClaw.Deploy.Tests.Chaos;

/// <summary>
/// The scale-out chaos test (issue 7): 2 API processes behind nginx (deploy/nginx's configuration), 3 workers and 2
/// schedulers on one PostgreSQL database take 5,000 multi-step executions started by webhook calls through nginx with
/// bounded concurrency, and a cron schedule fires every second, while a worker is SIGKILLed, an API process is restarted
/// (SIGTERM, then started again on its port) and a scheduler is SIGTERMed. Then the database must show every execution
/// the driver got an id for succeeded, none lost, no completed step ran again, and exactly one execution per cron tick.
/// deploy/chaos/run.sh runs this test; its knobs are <see cref="ChaosSettings"/>.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ScaleOutChaosTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string WorkflowId = "chaos";
    private const string CronWorkflowId = "chaos-cron";
    private const int StepsPerExecution = 3;

    private const string WorkflowYaml = """
        id: chaos
        name: Scale-out chaos test
        inputs:
          - { name: n, type: number, required: true }
        steps:
          - id: receive
            type: plugin
            config: { plugin: noop, inputs: { value: "${{ inputs.n }}" } }
            next_steps: [transform]
          - id: transform
            type: plugin
            config: { plugin: noop, inputs: { value: "${{ steps.receive.outputs.value }}" } }
            next_steps: [deliver]
          - id: deliver
            type: plugin
            config: { plugin: noop, inputs: { value: "${{ steps.transform.outputs.value }}" } }
        """;

    private const string CronWorkflowYaml = """
        id: chaos-cron
        name: Scale-out chaos test, cron
        steps:
          - id: tick
            type: plugin
            config: { plugin: noop, inputs: { value: 1 } }
        """;

    private static readonly TimeSpan CompletionDeadline = TimeSpan.FromSeconds(240);

    private readonly ChaosSettings _settings = ChaosSettings.FromEnvironment();
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };
    private PostgresTestServer _postgres = null!;
    private string _database = "";
    private string _connectionString = "";
    private Fleet? _fleet;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresTestServer.GetAsync();
        (_database, _connectionString) = await _postgres.CreateDatabaseAsync(migrated: false);
    }

    public async Task DisposeAsync()
    {
        _fleet?.Dispose();
        NpgsqlConnection.ClearAllPools();
        await _postgres.DropDatabaseAsync(_database);
    }

    public void Dispose() => _http.Dispose();

    [ChaosFact]
    public async Task Fleet_behind_nginx_loses_no_execution_and_reruns_no_completed_step_through_kill_restart_and_stop()
    {
        var s = _settings;
        output.WriteLine($"settings: {s}");
        _fleet = await Fleet.StartAsync(_connectionString, s, _http);
        var fleet = _fleet;
        output.WriteLine($"nginx :{fleet.Nginx.Port} -> api {string.Join(", ", fleet.Apis.Select(a => $"{a.ProcessId}@{new Uri(a.BaseUrl).Port}"))}; " +
            $"workers {string.Join(", ", fleet.Workers.Select(w => w.ProcessId))}; schedulers {string.Join(", ", fleet.Schedulers.Select(p => p.ProcessId))}");
        await CreateWorkflowAsync(fleet, WorkflowYaml);
        await CreateWorkflowAsync(fleet, CronWorkflowYaml);
        var hook = (await PostAsync(fleet, "/api/v2/triggers", new JsonObject { ["workflow_id"] = WorkflowId })).GetProperty("path").GetString();
        var schedule = await PostAsync(fleet, "/api/v2/schedules", new JsonObject
        {
            ["workflow_id"] = CronWorkflowId, ["cron"] = "* * * * * *", ["time_zone"] = "UTC", ["misfire_policy"] = "fire_all",
        });
        var scheduleId = schedule.GetProperty("id").GetGuid();
        var firstTick = schedule.GetProperty("next_fire_at").GetDateTimeOffset();

        // The webhook is anonymous (its secret path is the credential): no API key on these requests.
        var target = new Uri($"{fleet.Nginx.BaseUrl}/api/v2/webhooks/{hook}");
        var body = new JsonObject { ["n"] = 7 }.ToJsonString();
        var driver = new LoadDriver(_http, target, body, bearerToken: null);
        var clock = Stopwatch.StartNew();
        var load = driver.RunAsync(s.Executions, s.Concurrency, CancellationToken.None);
        var faults = InjectFaultsAsync(fleet, driver, clock, load);
        var loadTime = await load;
        var faultLog = await faults;
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: load finished");
        var lastTick = await StopCronAsync(fleet, scheduleId);

        var audit = new FleetAudit(_connectionString);
        await WaitForAllFinishedAsync(audit, fleet, driver);
        var total = clock.Elapsed;

        Report(driver, loadTime, total);
        await ReportMetricsAsync(fleet);
        AssertBalanced(fleet);
        foreach (var line in faultLog) output.WriteLine(line);
        await AssertNoneLostAsync(audit, driver);
        await AssertEveryStepSucceededOnceAsync(audit);
        await AssertOneExecutionPerCronTickAsync(audit, scheduleId, firstTick, lastTick);
        Assert.True(faultLog.Count == 3, "not every fault was injected");
    }

    /// <summary>
    /// SIGKILL a worker at 10 % of the requests answered, SIGTERM an API process at 25 % (and start it again on its port
    /// while the load goes on), SIGTERM a scheduler at 40 %. Each signal is sent while requests are still being made.
    /// </summary>
    private async Task<List<string>> InjectFaultsAsync(Fleet fleet, LoadDriver driver, Stopwatch clock, Task load)
    {
        var log = new List<string>();
        var total = _settings.Executions;
        await UntilAnsweredAsync(driver, total * 10 / 100, load);
        var worker = fleet.Workers[0];
        AssertUnderLoad(driver, "the SIGKILL");
        worker.Kill();
        Assert.True(await worker.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the SIGKILLed worker did not die");
        var leased = (await new FleetAudit(_connectionString).QueryAsync(
            "SELECT count(*) FROM tasks WHERE status = 'running' AND lease_owner LIKE @owner", r => r.GetInt64(0), ("owner", worker.OwnerPattern))).Single();
        log.Add($"{clock.Elapsed.TotalSeconds:0.0} s: SIGKILL worker {worker.ProcessId} at {driver.Answered} answered, {leased} steps leased to it");

        await UntilAnsweredAsync(driver, total * 25 / 100, load);
        var api = fleet.Apis[0];
        AssertUnderLoad(driver, "the API restart");
        var restartedAt = driver.Answered;
        var restart = fleet.RestartApiAsync(0);

        await UntilAnsweredAsync(driver, total * 40 / 100, load);
        var scheduler = fleet.Schedulers[0];
        AssertUnderLoad(driver, "the scheduler's SIGTERM");
        scheduler.Terminate();
        var terminatedAt = driver.Answered;
        Assert.True(await scheduler.WaitForExitAsync(TimeSpan.FromSeconds(45)), $"the SIGTERMed scheduler did not stop. Output:\n{scheduler.Output}");
        Assert.True(scheduler.ExitCode == 0, $"scheduler exited with {scheduler.ExitCode} on SIGTERM. Output:\n{scheduler.Output}");
        log.Add($"{clock.Elapsed.TotalSeconds:0.0} s: SIGTERM scheduler {scheduler.ProcessId} at {terminatedAt} answered: exit 0");

        var exit = await restart;
        Assert.True(exit == 0, $"api {api.ProcessId} exited with {exit} on SIGTERM. Output:\n{api.Output}");
        log.Add($"{clock.Elapsed.TotalSeconds:0.0} s: api {api.ProcessId} SIGTERMed at {restartedAt} answered (exit 0), replaced by {fleet.Apis[0].ProcessId} on the same port, ready at {driver.Answered} answered");
        return log;
    }

    /// <summary>A fault that lands after the last request proves less; the knobs must give the load time to overlap it.</summary>
    private void AssertUnderLoad(LoadDriver driver, string fault) =>
        Assert.True(driver.Answered < _settings.Executions,
            $"{fault} came after the load had finished ({driver.Answered} answered); raise OPENCLAW_CHAOS_EXECUTIONS or lower OPENCLAW_CHAOS_CONCURRENCY");

    private static async Task UntilAnsweredAsync(LoadDriver driver, int answered, Task load)
    {
        while (driver.Answered < answered && !load.IsCompleted) await Task.Delay(20);
        if (load.IsFaulted) await load;
    }

    private Task CreateWorkflowAsync(Fleet fleet, string yaml) =>
        SendAsync(fleet, HttpMethod.Post, "/api/v2/workflows", new StringContent(yaml, Encoding.UTF8, "application/yaml"), HttpStatusCode.Created);

    private Task<JsonElement> PostAsync(Fleet fleet, string path, JsonObject body) =>
        SendAsync(fleet, HttpMethod.Post, path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), HttpStatusCode.Created);

    /// <summary>An admin call through nginx with the fleet's bootstrap API key; fails unless it answers <paramref name="expected"/>.</summary>
    private async Task<JsonElement> SendAsync(Fleet fleet, HttpMethod method, string path, HttpContent? content, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, $"{fleet.Nginx.BaseUrl}{path}") { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fleet.ApiKey);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Pauses the cron schedule and returns the last fire time a scheduler claimed.</summary>
    private async Task<DateTimeOffset> StopCronAsync(Fleet fleet, Guid scheduleId)
    {
        await SendAsync(fleet, HttpMethod.Post, $"/api/v2/schedules/{scheduleId}/pause", null, HttpStatusCode.OK);
        var schedule = await SendAsync(fleet, HttpMethod.Get, $"/api/v2/schedules/{scheduleId}", null, HttpStatusCode.OK);
        Assert.False(schedule.GetProperty("enabled").GetBoolean());
        return schedule.GetProperty("last_fire_at").GetDateTimeOffset();
    }

    /// <summary>
    /// Every second from the first fire time to the last claimed one has exactly one execution (its id is derived from
    /// the schedule and the fire time, so it is found, not guessed), it succeeded, and there is no other cron execution.
    /// </summary>
    private async Task AssertOneExecutionPerCronTickAsync(FleetAudit audit, Guid scheduleId, DateTimeOffset first, DateTimeOffset last)
    {
        var ticks = new List<DateTimeOffset>();
        for (var tick = first; tick <= last; tick = tick.AddSeconds(1)) ticks.Add(tick);
        Assert.True(ticks.Count >= 10, $"the cron schedule fired only {ticks.Count} times ({first:O} to {last:O})");
        var executions = await audit.ExecutionStatusesAsync(CronWorkflowId);
        var missing = ticks.Where(t => !executions.ContainsKey(OpenClaw.Runtime.Scheduling.CronScheduler.ExecutionIdFor(scheduleId, t))).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {ticks.Count} cron ticks have no execution, e.g. {string.Join(", ", missing.Take(5).Select(t => t.ToString("O", CultureInfo.InvariantCulture)))}");
        Assert.True(executions.Count == ticks.Count, $"{executions.Count} cron executions for {ticks.Count} ticks");
        var notSucceeded = executions.Where(e => e.Value != "succeeded").ToList();
        Assert.True(notSucceeded.Count == 0, $"{notSucceeded.Count} cron executions did not succeed");
        output.WriteLine($"cron: {ticks.Count} ticks from {first:HH:mm:ss} to {last:HH:mm:ss}, one succeeded execution each, no other");
    }

    private async Task WaitForAllFinishedAsync(FleetAudit audit, Fleet fleet, LoadDriver driver)
    {
        var accepted = driver.Outcomes.Count(o => o.ExecutionId is not null);
        var until = DateTime.UtcNow + CompletionDeadline;
        while (true)
        {
            var (unfinished, all) = await audit.ProgressAsync(WorkflowId);
            var (cronUnfinished, _) = await audit.ProgressAsync(CronWorkflowId);
            if (unfinished == 0 && cronUnfinished == 0 && all >= accepted) return;
            if (DateTime.UtcNow > until)
            {
                var tasks = await audit.TasksByStepAsync(WorkflowId);
                foreach (var process in fleet.EveryProcess) output.WriteLine($"--- {process.Label} {process.ProcessId}:\n{Tail(process.Output)}");
                Assert.Fail($"{unfinished} of {all} executions unfinished {CompletionDeadline.TotalSeconds:0} s after the load; tasks: " +
                    string.Join(", ", tasks.Select(t => $"{t.Step} {t.Status} {t.Count}")));
            }
            await Task.Delay(200);
        }
    }

    private void Report(LoadDriver driver, TimeSpan loadTime, TimeSpan total)
    {
        var outcomes = driver.Outcomes.ToList();
        var accepted = outcomes.Where(o => o.ExecutionId is not null).Select(o => o.Latency).Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outcomes.Count} requests through nginx, {accepted.Count} accepted in {loadTime.TotalSeconds:0.0} s: {accepted.Count / loadTime.TotalSeconds:0} executions/s started " +
            $"({_settings.Concurrency} concurrent clients); latency p50 {LoadDriver.Percentile(accepted, 50).TotalMilliseconds:0.0} ms, " +
            $"p95 {LoadDriver.Percentile(accepted, 95).TotalMilliseconds:0.0} ms, p99 {LoadDriver.Percentile(accepted, 99).TotalMilliseconds:0.0} ms, " +
            $"max {(accepted.Count > 0 ? accepted[^1].TotalMilliseconds : 0):0} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"all {accepted.Count} executions ({accepted.Count * StepsPerExecution} steps) finished {total.TotalSeconds:0.0} s after the first request: " +
            $"{accepted.Count / total.TotalSeconds:0} executions/s, {accepted.Count * StepsPerExecution / total.TotalSeconds:0} steps/s end to end " +
            $"(the SIGKILLed worker's steps wait one lease, {_settings.LeaseSeconds} s)"));
        foreach (var error in outcomes.Where(o => o.Error is not null).GroupBy(o => o.Error![..Math.Min(o.Error!.Length, 80)]))
            output.WriteLine($"{error.Count()} x {error.Key}");
    }

    /// <summary>What the live processes' /metrics say (counters of processes that died or were replaced are gone with them).</summary>
    private async Task ReportMetricsAsync(Fleet fleet)
    {
        var live = fleet.EveryProcess.Where(p => !p.HasExited).ToList();
        double expiries = 0, busy = 0;
        foreach (var process in live)
        {
            var text = await _http.GetStringAsync($"{process.BaseUrl}/metrics");
            expiries += Sample(text, "openclaw_lease_expiries_total");
            busy += Sample(text, "openclaw_workers_busy");
        }
        output.WriteLine($"/metrics of the {live.Count} live processes: openclaw_lease_expiries_total {expiries}, openclaw_workers_busy {busy}");

        static double Sample(string text, string name) => text.Split('\n')
            .Where(line => line.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>nginx spread the load over both API ports (least connections), as its access log shows.</summary>
    private void AssertBalanced(Fleet fleet)
    {
        var perUpstream = fleet.Nginx.RequestsPerUpstream();
        output.WriteLine($"nginx access log, requests per upstream: {string.Join(", ", perUpstream.Select(p => $"{p.Key} {p.Value}"))}");
        foreach (var api in fleet.Apis)
        {
            var address = new Uri(api.BaseUrl).Authority;
            Assert.True(perUpstream.GetValueOrDefault(address) >= _settings.Executions / 10, $"nginx sent only {perUpstream.GetValueOrDefault(address)} requests to {address}");
        }
    }

    /// <summary>
    /// Every id the driver received is a succeeded execution; executions the driver has no id for are at most the
    /// requests that failed without an answer (a request cut off after the API committed it).
    /// </summary>
    private async Task AssertNoneLostAsync(FleetAudit audit, LoadDriver driver)
    {
        var outcomes = driver.Outcomes.ToList();
        var received = outcomes.Where(o => o.ExecutionId is not null).Select(o => o.ExecutionId!.Value).ToHashSet();
        var failed = outcomes.Count(o => o.ExecutionId is null);
        Assert.Equal(_settings.Executions, outcomes.Count);
        Assert.Equal(outcomes.Count - failed, received.Count);
        Assert.True(failed <= _settings.Executions / 100, $"{failed} of {outcomes.Count} requests failed through nginx during the faults (more than 1 %)");

        var statuses = await audit.ExecutionStatusesAsync(WorkflowId);
        var lost = received.Where(id => !statuses.ContainsKey(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} executions the API answered 202 for are not in the database, e.g. {string.Join(", ", lost.Take(5))}");
        var notSucceeded = received.Where(id => statuses[id] != "succeeded").ToList();
        Assert.True(notSucceeded.Count == 0, $"{notSucceeded.Count} executions did not succeed, e.g. {string.Join(", ", notSucceeded.Take(5).Select(id => $"{id} {statuses[id]}"))}");
        var unknown = statuses.Keys.Where(id => !received.Contains(id)).ToList();
        Assert.True(unknown.Count <= failed, $"{unknown.Count} executions exist that no answered request started, but only {failed} requests failed");
        output.WriteLine($"database: {statuses.Count} executions, {received.Count} with the id the driver received, all succeeded; " +
            $"{unknown.Count} more from {failed} requests that failed without an answer");
    }

    /// <summary>Every step of every execution succeeded with exactly one succeeded attempt, and no attempt started after it.</summary>
    private async Task AssertEveryStepSucceededOnceAsync(FleetAudit audit)
    {
        var executions = (await audit.ExecutionStatusesAsync(WorkflowId)).Count;
        var tasks = await audit.TasksByStepAsync(WorkflowId);
        Assert.Equal(
            new[] { "deliver", "receive", "transform" }.Select(step => (step, "succeeded", (long)executions)),
            tasks);

        var histories = await audit.TaskHistoriesAsync(WorkflowId);
        Assert.Equal(executions * StepsPerExecution, histories.Count);
        var notOnce = histories.Where(h => h.Succeeded != 1).ToList();
        Assert.True(notOnce.Count == 0, $"{notOnce.Count} steps do not have exactly one succeeded attempt, e.g. " +
            string.Join(", ", notOnce.Take(5).Select(h => $"{h.Step} {h.TaskId}: {h.Succeeded} of {h.Attempts}")));
        var rerun = histories.Where(h => h.StartedAfterCompletion > 0).ToList();
        Assert.True(rerun.Count == 0, $"{rerun.Count} completed steps ran again after their completion committed, e.g. {string.Join(", ", rerun.Take(5).Select(h => h.TaskId))}");
        output.WriteLine($"step history: {histories.Count} steps, {histories.Sum(h => h.Attempts)} attempt rows, each step one succeeded attempt; " +
            $"{histories.Count(h => h.Attempts > 1)} steps with an earlier failed attempt, none started after its completion");
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
