using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;
using OpenClaw.Storage.Sqlite;
using Xunit.Abstractions;
using OpenClaw.Runtime.Tests.Processes;

namespace OpenClaw.Runtime.Tests.Crash;

/// <summary>
/// Durability across process death: a real server process runs a 42-step workflow whose steps POST to a counting HTTP
/// service; the process is killed half-way (SIGKILL) or stopped (SIGTERM), restarted on the same data folder, and the
/// execution must finish with every step's side effect performed once, or at most twice for a step that was running
/// when the process died.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Items = 40;
    private const int LoopConcurrency = 4;
    private const int KillAfterSucceeded = 10;

    /// <summary>prepare + 40 pushes + finish: every plugin step, one side effect each.</summary>
    private static readonly string[] PluginSteps = ["prepare", .. Enumerable.Range(0, Items).Select(i => $"each[{i}]/push"), "finish"];

    private static readonly string WorkflowYaml = $$$"""
        id: crash-test
        name: Crash test
        inputs:
          - { name: counter, type: string, required: true }
          - { name: items, type: array, required: true }
        steps:
          - id: prepare
            type: plugin
            config:
              plugin: http-request
              inputs: { url: "${{ inputs.counter }}/effects", method: POST, body: { name: prepare } }
            next_steps: [each]
          - id: each
            type: loop
            config:
              items: "${{ inputs.items }}"
              concurrency: {{{LoopConcurrency}}}
              steps:
                - id: push
                  type: plugin
                  config:
                    plugin: http-request
                    inputs: { url: "${{ inputs.counter }}/effects", method: POST, body: { name: push, item: "${{ loop.item }}" } }
              output: "${{ steps.push.output.body.item }}"
            next_steps: [finish]
          - id: finish
            type: plugin
            config:
              plugin: http-request
              inputs: { url: "${{ inputs.counter }}/effects", method: POST, body: { name: finish, count: "${{ steps.each.output.count }}" } }
        outputs:
          results: "${{ steps.each.output.results }}"
        """;

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ProgressDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CompletionDeadline = TimeSpan.FromSeconds(30);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "openclaw-crash-tests", Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = ServerProcess.CreateClient(TimeSpan.FromSeconds(10));
    private readonly List<ServerProcess> _servers = [];
    private SideEffectCounter _counter = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);

        // 200 ms per call: 40 items four at a time take about two seconds, long enough to stop the server half-way.
        _counter = await SideEffectCounter.StartAsync(TimeSpan.FromMilliseconds(200));
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) server.Dispose();
        await _counter.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Each test has its own folder; a leftover one does not affect others.
        }
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Sigkill_mid_run_then_restart_completes_with_every_completed_step_run_exactly_once()
    {
        var first = await StartServerAsync();
        var executionId = await StartExecutionAsync(first);
        var seenSucceeded = await WaitForProgressAsync(first, executionId);

        first.Kill();
        Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the killed server did not exit");
        var atKill = await ReadStoredStateAsync(executionId);
        output.WriteLine($"SIGKILL after {seenSucceeded.Count} steps were seen succeeded; stored at the kill: " +
            $"{atKill.Succeeded.Count} succeeded, running: [{string.Join(", ", atKill.Running)}]");

        Assert.Equal(ExecutionStatus.Running, atKill.Status);
        Assert.Subset(atKill.Succeeded, seenSucceeded);

        var second = await StartServerAsync();
        var final = await WaitForCompletionAsync(second, executionId);

        AssertCompletedInOrder(final);
        var byStep = AssertEveryStepPerformedWithOneStableKey();
        foreach (var step in atKill.Succeeded.Where(PluginSteps.Contains))
            Assert.True(byStep[step] == 1, $"step {step} had succeeded before the kill but its side effect ran {byStep[step]} times");
        foreach (var (step, count) in byStep)
        {
            Assert.True(count <= 2, $"step {step} ran {count} times; at most twice is allowed (once before the kill, once after)");
            if (count == 2)
                Assert.True(atKill.Running.Contains(step), $"step {step} ran twice but was not running when the process was killed");
        }
        output.WriteLine($"re-run after restart (at-least-once): [{string.Join(", ", byStep.Where(p => p.Value > 1).Select(p => p.Key))}]");
    }

    [Fact]
    public async Task Sigterm_mid_run_then_restart_completes_without_any_duplicate_side_effect()
    {
        var first = await StartServerAsync();
        var executionId = await StartExecutionAsync(first);
        var seenSucceeded = await WaitForProgressAsync(first, executionId);

        first.Terminate();
        Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(25)), $"the server did not stop after SIGTERM. Output:\n{first.Output}");
        output.WriteLine($"exit code after SIGTERM: {first.ExitCode}");
        Assert.True(first.ExitCode == 0, $"graceful stop exited with code {first.ExitCode}. Output:\n{first.Output}");
        var atStop = await ReadStoredStateAsync(executionId);
        output.WriteLine($"SIGTERM after {seenSucceeded.Count} steps were seen succeeded; stored at the stop: {atStop.Succeeded.Count} succeeded");

        // A graceful stop finishes or hands back everything it holds: nothing is left leased to the stopped process.
        Assert.Equal(ExecutionStatus.Running, atStop.Status);
        Assert.Empty(atStop.Running);
        Assert.Subset(atStop.Succeeded, seenSucceeded);

        var second = await StartServerAsync();
        var final = await WaitForCompletionAsync(second, executionId);

        AssertCompletedInOrder(final);
        var byStep = AssertEveryStepPerformedWithOneStableKey();
        foreach (var (step, count) in byStep)
            Assert.True(count == 1, $"step {step} ran {count} times across a graceful stop; expected exactly once");
    }

    private async Task<ServerProcess> StartServerAsync()
    {
        var server = await ServerProcess.StartAsync(_dataDirectory, _http, StartDeadline);
        _servers.Add(server);
        output.WriteLine($"server pid {server.ProcessId} listening on {server.BaseUrl}");
        return server;
    }

    private async Task<Guid> StartExecutionAsync(ServerProcess server)
    {
        using (var definition = new StringContent(WorkflowYaml, Encoding.UTF8, "application/yaml"))
        {
            using var created = await _http.PostAsync($"{server.BaseUrl}/api/v2/workflows", definition);
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"creating the workflow: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        var body = new JsonObject
        {
            ["inputs"] = new JsonObject
            {
                ["counter"] = _counter.BaseUrl,
                ["items"] = new JsonArray(Enumerable.Range(0, Items).Select(i => (JsonNode)i).ToArray()),
            },
        };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var started = await _http.PostAsync($"{server.BaseUrl}/api/v2/workflows/crash-test/executions", content);
        var text = await started.Content.ReadAsStringAsync();
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"starting the execution: {started.StatusCode} {text}");
        return Guid.Parse(JsonNode.Parse(text)!["id"]!.GetValue<string>());
    }

    /// <summary>Polls until at least <see cref="KillAfterSucceeded"/> plugin steps succeeded; returns their keys.</summary>
    private async Task<HashSet<string>> WaitForProgressAsync(ServerProcess server, Guid executionId)
    {
        var until = DateTime.UtcNow + ProgressDeadline;
        while (true)
        {
            var execution = await GetExecutionAsync(server, executionId);
            string status = execution["status"]!.GetValue<string>();
            Assert.True(status is "pending" or "running", $"the execution finished ({status}) before the server could be stopped mid-run");
            var succeeded = Steps(execution)
                .Where(s => s["type"]!.GetValue<string>() == "plugin" && s["status"]!.GetValue<string>() == "succeeded")
                .Select(s => s["key"]!.GetValue<string>())
                .ToHashSet(StringComparer.Ordinal);
            if (succeeded.Count >= KillAfterSucceeded) return succeeded;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"only {succeeded.Count} steps succeeded within {ProgressDeadline.TotalSeconds:0} s. Server output:\n{server.Output}");
            await Task.Delay(25);
        }
    }

    private async Task<JsonObject> WaitForCompletionAsync(ServerProcess server, Guid executionId)
    {
        var until = DateTime.UtcNow + CompletionDeadline;
        while (true)
        {
            var execution = await GetExecutionAsync(server, executionId);
            string status = execution["status"]!.GetValue<string>();
            if (status is not ("pending" or "running"))
            {
                Assert.True(status == "succeeded", $"the execution ended {status}: {execution["error"]}. Server output:\n{server.Output}");
                return execution;
            }
            if (DateTime.UtcNow > until)
            {
                var unfinished = Steps(execution).Where(s => s["status"]!.GetValue<string>() is not ("succeeded" or "skipped"))
                    .Select(s => $"{s["key"]} {s["status"]} run_at={s["run_at"]}");
                throw new TimeoutException($"the execution was still {status} {CompletionDeadline.TotalSeconds:0} s after the restart; " +
                    $"unfinished steps: [{string.Join(", ", unfinished)}]. Server output:\n{server.Output}");
            }
            await Task.Delay(50);
        }
    }

    private async Task<JsonObject> GetExecutionAsync(ServerProcess server, Guid executionId)
    {
        using var response = await _http.GetAsync($"{server.BaseUrl}/api/v2/executions/{executionId}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"reading the execution: {response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static IEnumerable<JsonObject> Steps(JsonObject execution) => execution["steps"]!.AsArray().Select(s => s!.AsObject());

    /// <summary>
    /// Reads what the stopped process left in its database. The files are copied first, so the restarted server finds
    /// them exactly as the dead process left them (opening the originals here would checkpoint the WAL).
    /// </summary>
    private async Task<StoredState> ReadStoredStateAsync(Guid executionId)
    {
        var copy = Path.Combine(_dataDirectory + "-inspect", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        try
        {
            foreach (var file in Directory.GetFiles(_dataDirectory, "openclaw.db*"))
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            await using var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { DataSource = Path.Combine(copy, "openclaw.db") });
            var detail = await new SqliteExecutionQueries(database).GetAsync("default", executionId);
            Assert.NotNull(detail);
            return new StoredState(
                detail.Execution.Status,
                detail.Steps.Where(s => s.Status == StepRunStatus.Succeeded).Select(s => s.StepKey).ToHashSet(StringComparer.Ordinal),
                detail.Steps.Where(s => s.Status == StepRunStatus.Running).Select(s => s.StepKey).ToHashSet(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        }
    }

    /// <summary>Every step instance succeeded, and the loop's results are the 40 items in order.</summary>
    private static void AssertCompletedInOrder(JsonObject execution)
    {
        var steps = Steps(execution).ToList();
        Assert.All(steps, s => Assert.True(s["status"]!.GetValue<string>() == "succeeded", $"step {s["key"]} is {s["status"]}"));
        Assert.Equal(
            PluginSteps.Order(StringComparer.Ordinal),
            steps.Where(s => s["type"]!.GetValue<string>() == "plugin").Select(s => s["key"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (var step in steps.Where(s => s["type"]!.GetValue<string>() == "plugin"))
        {
            var attempts = step["attempts"]!.AsArray();
            Assert.True(attempts.Count > 0 && attempts[^1]!["status"]!.GetValue<string>() == "succeeded",
                $"step {step["key"]} has no succeeded attempt in its history: {attempts.ToJsonString()}");
        }

        var results = execution["outputs"]!["results"]!.AsArray().Select(r => r!.GetValue<int>());
        Assert.Equal(Enumerable.Range(0, Items), results);
    }

    /// <summary>Every plugin step's side effect happened, always under one idempotency key of its own; returns calls per step.</summary>
    private Dictionary<string, int> AssertEveryStepPerformedWithOneStableKey()
    {
        var calls = _counter.Calls;
        Assert.Equal(PluginSteps.Order(StringComparer.Ordinal), calls.Select(c => c.StepKey).Distinct().Order(StringComparer.Ordinal));
        foreach (var group in calls.GroupBy(c => c.StepKey))
        {
            var keys = group.Select(c => c.IdempotencyKey).Distinct().ToList();
            Assert.True(keys.Count == 1, $"step {group.Key} was called with {keys.Count} different idempotency keys: {string.Join(", ", keys)}");
        }
        Assert.Equal(PluginSteps.Length, calls.Select(c => c.IdempotencyKey).Distinct().Count());
        return _counter.CountsByStep();
    }

    private sealed record StoredState(ExecutionStatus Status, HashSet<string> Succeeded, HashSet<string> Running);
}
