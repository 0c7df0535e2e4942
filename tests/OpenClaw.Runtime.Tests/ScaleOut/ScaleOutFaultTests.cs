using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using OpenClaw.Storage.Tests.Postgres;
using Xunit.Abstractions;
using OpenClaw.Runtime.Tests.Crash;
using OpenClaw.Runtime.Tests.Processes;

namespace OpenClaw.Runtime.Tests.ScaleOut;

/// <summary>
/// Scale-out on PostgreSQL under faults: one <c>api</c> process and three <c>worker</c> processes share one database and
/// run 2,500 executions of a four-step workflow (10,000 tasks; the second step POSTs to a counting HTTP service). Mid-run
/// one worker is killed (SIGKILL) and later another is stopped (SIGTERM); no replacement is started, so the last worker
/// has to pick up the killed one's leases (after they expire) and finish everything alone. Every execution must succeed,
/// every step must have exactly one succeeded attempt, and only steps that were running on the killed worker may have
/// performed their side effect twice.
/// </summary>
public sealed class ScaleOutFaultTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Executions = 2_500;
    private const int StepsPerExecution = 4;
    private const int TotalTasks = Executions * StepsPerExecution;
    private const int Starters = 8;

    private const string WorkflowYaml = """
        id: scale-out
        name: Scale-out fault test
        inputs:
          - { name: counter, type: string, required: true }
        steps:
          - id: a
            type: plugin
            config: { plugin: noop, inputs: { value: 1 } }
            next_steps: [effect]
          - id: effect
            type: plugin
            config:
              plugin: http-request
              inputs: { url: "${{ inputs.counter }}/effects", method: POST, body: { name: effect } }
            next_steps: [c]
          - id: c
            type: plugin
            config: { plugin: noop, inputs: { value: 3 } }
            next_steps: [d]
          - id: d
            type: plugin
            config: { plugin: noop, inputs: { value: 4 } }
        """;

    /// <summary>
    /// The lease: the runtime's default 30 s unless <c>OPENCLAW_SCALEOUT_LEASE_SECONDS</c> says otherwise. Renewal and
    /// the reaper run every second, so a dead worker's tasks are back in the queue one lease after its death.
    /// </summary>
    /// <remarks>
    /// With 5 s leases it fails on a loaded 2-core machine: a step's lease is renewed only while its plugin runs, not
    /// while its result waits in the coordinator's backlog for the commit (a thousand results at the kill, measured), so
    /// live workers lose leases and a few side effects happen three times. Run with
    /// <c>OPENCLAW_SCALEOUT_LEASE_SECONDS=5</c> to reproduce.
    /// </remarks>
    private static readonly int LeaseSeconds =
        int.TryParse(Environment.GetEnvironmentVariable("OPENCLAW_SCALEOUT_LEASE_SECONDS"), CultureInfo.InvariantCulture, out var seconds) ? seconds : 30;

    private static readonly Dictionary<string, string> Leases = new(StringComparer.Ordinal)
    {
        ["OpenClaw__Runtime__LeaseDuration"] = TimeSpan.FromSeconds(LeaseSeconds).ToString("c", CultureInfo.InvariantCulture),
        ["OpenClaw__Runtime__LeaseRenewInterval"] = "00:00:01",
        ["OpenClaw__Runtime__ReaperInterval"] = "00:00:01",
    };

    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(240);

    private readonly HttpClient _http = ServerProcess.CreateClient(TimeSpan.FromSeconds(30));
    private readonly List<ServerProcess> _processes = [];
    private PostgresTestServer _postgres = null!;
    private string _database = "";
    private string _connectionString = "";
    private SideEffectCounter _counter = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresTestServer.GetAsync();
        (_database, _connectionString) = await _postgres.CreateDatabaseAsync();
        _counter = await SideEffectCounter.StartAsync(TimeSpan.FromMilliseconds(20));
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes) process.Dispose();
        await _counter.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _postgres.DropDatabaseAsync(_database);
    }

    public void Dispose() => _http.Dispose();

    [PostgresFact]
    public async Task Three_workers_one_killed_one_stopped_complete_10000_tasks_with_no_loss_and_no_rerun_of_committed_steps()
    {
        var api = Start("api");
        var workers = new[] { Start("worker"), Start("worker"), Start("worker") };
        await Task.WhenAll(_processes.Select(p => p.WaitUntilReadyAsync(_http, ReadyDeadline)));
        output.WriteLine($"api pid {api.ProcessId}; worker pids {string.Join(", ", workers.Select(w => w.ProcessId))}; lease {LeaseSeconds} s");

        await CreateWorkflowAsync(api);
        var clock = Stopwatch.StartNew();
        using var stopStarting = new CancellationTokenSource();
        var starting = StartExecutionsAsync(api, stopStarting.Token);

        // SIGKILL a third of the way through: the killed worker's running tasks stay leased to it until the lease expires.
        await WaitForSucceededTasksAsync(TotalTasks * 3 / 10, starting);
        var killed = workers[0];
        killed.Kill();
        Assert.True(await killed.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the SIGKILLed worker did not exit");
        var inFlightAtKill = await ReadLeasedToAsync(killed);
        long succeededAtKill = await CountAsync("SELECT count(*) FROM tasks WHERE status = 'succeeded'");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: SIGKILL worker {killed.ProcessId} with {succeededAtKill} tasks succeeded; " +
            $"{inFlightAtKill.Count} tasks were running on it ({inFlightAtKill.Count(t => t.StepKey == "effect")} of them POSTs)");
        Assert.NotEmpty(inFlightAtKill);

        // SIGTERM at 60 %: a graceful stop finishes or hands back everything it holds.
        await WaitForSucceededTasksAsync(TotalTasks * 6 / 10, starting);
        var stopped = workers[1];
        stopped.Terminate();
        Assert.True(await stopped.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the SIGTERMed worker did not stop. Output:\n{stopped.Output}");
        Assert.True(stopped.ExitCode == 0, $"graceful stop exited with code {stopped.ExitCode}. Output:\n{stopped.Output}");
        var leftByStopped = await ReadLeasedToAsync(stopped);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: SIGTERM worker {stopped.ProcessId}: exited 0, {leftByStopped.Count} tasks left leased to it");
        Assert.Empty(leftByStopped);

        await starting;
        await WaitForAllExecutionsFinishedAsync(workers[2]);
        var elapsed = clock.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Executions} executions, {TotalTasks} tasks finished in {elapsed.TotalSeconds:0.0} s: {TotalTasks / elapsed.TotalSeconds:N0} tasks/s " +
            $"({Executions / elapsed.TotalSeconds:N0} executions/s) with 3 workers, then 2 after the SIGKILL, then 1 after the SIGTERM"));

        PrintWarnings();
        await AssertEveryExecutionAndTaskSucceededAsync();
        await AssertOneSucceededAttemptPerTaskAsync(inFlightAtKill);
        await AssertSideEffectsExactlyOnceExceptInFlightAsync(inFlightAtKill);
    }

    /// <summary>What the processes warned about (lease expiries, conflicts), counted by message with numbers masked.</summary>
    private void PrintWarnings()
    {
        foreach (var process in _processes)
        {
            var lines = process.Output.Split('\n');
            var messages = lines.Select((line, i) => (line, i))
                .Where(x => x.line.StartsWith("warn:", StringComparison.Ordinal) || x.line.StartsWith("fail:", StringComparison.Ordinal))
                .Select(x => x.i + 1 < lines.Length ? System.Text.RegularExpressions.Regex.Replace(lines[x.i + 1].Trim(), "[0-9a-f-]{8,}|[0-9]+", "#") : "")
                .GroupBy(m => m, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} x {g.Key}");
            output.WriteLine($"{process.Label} {process.ProcessId}: {string.Join("; ", messages)}");
        }
    }

    private ServerProcess Start(string role)
    {
        var process = RoleProcess.Start(role, _connectionString, Leases);
        _processes.Add(process);
        return process;
    }

    private async Task CreateWorkflowAsync(ServerProcess api)
    {
        using var definition = new StringContent(WorkflowYaml, Encoding.UTF8, "application/yaml");
        using var created = await _http.PostAsync($"{api.BaseUrl}/api/v2/workflows", definition);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"creating the workflow: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }

    /// <summary>Starts <see cref="Executions"/> executions through the api process from <see cref="Starters"/> concurrent clients.</summary>
    private async Task StartExecutionsAsync(ServerProcess api, CancellationToken ct)
    {
        var body = new JsonObject { ["inputs"] = new JsonObject { ["counter"] = _counter.BaseUrl } }.ToJsonString();
        int next = 0;
        await Task.WhenAll(Enumerable.Range(0, Starters).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= Executions)
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var started = await _http.PostAsync($"{api.BaseUrl}/api/v2/workflows/scale-out/executions", content, ct);
                if (started.StatusCode != HttpStatusCode.Accepted)
                    throw new InvalidOperationException($"starting an execution: {started.StatusCode} {await started.Content.ReadAsStringAsync(ct)}");
            }
        }));
    }

    private async Task WaitForSucceededTasksAsync(long target, Task starting)
    {
        var until = DateTime.UtcNow + RunDeadline;
        while (true)
        {
            if (starting.IsFaulted) await starting;
            long succeeded = await CountAsync("SELECT count(*) FROM tasks WHERE status = 'succeeded'");
            if (succeeded >= target) return;
            if (DateTime.UtcNow > until) throw new TimeoutException($"only {succeeded} of {target} tasks succeeded within {RunDeadline.TotalSeconds:0} s");
            await Task.Delay(50);
        }
    }

    private async Task WaitForAllExecutionsFinishedAsync(ServerProcess lastWorker)
    {
        var until = DateTime.UtcNow + RunDeadline;
        while (true)
        {
            long unfinished = await CountAsync("SELECT count(*) FROM workflow_executions WHERE status IN ('pending', 'running')");
            long all = await CountAsync("SELECT count(*) FROM workflow_executions");
            if (unfinished == 0 && all == Executions) return;
            if (DateTime.UtcNow > until)
            {
                var byStatus = await QueryAsync("SELECT status || ' ' || count(*) FROM tasks GROUP BY status", r => r.GetString(0));
                var stuck = await QueryAsync(
                    "SELECT t.step_key || ' ' || t.status || ' attempt ' || t.retry_count || ' owner ' || coalesce(t.lease_owner, '-') || " +
                    "' lease in ' || coalesce(extract(epoch FROM t.lease_expires_at - now())::text, '-') || ' s; execution ' || e.status || ' rev ' || e.revision || " +
                    "' attempts ' || (SELECT count(*) FROM task_attempts a WHERE a.task_id = t.id) " +
                    "|| '; earlier steps run by ' || coalesce((SELECT string_agg(p.step_key || '@' || a.worker_id, ', ' ORDER BY a.finished_at) " +
                    "FROM tasks p JOIN task_attempts a ON a.task_id = p.id WHERE p.execution_id = t.execution_id), '-') " +
                    "FROM tasks t JOIN workflow_executions e ON e.id = t.execution_id WHERE t.status NOT IN ('succeeded') LIMIT 5", r => r.GetString(0));
                PrintWarnings();
                throw new TimeoutException($"{unfinished} of {all} executions unfinished after {RunDeadline.TotalSeconds:0} s; tasks: " +
                    $"[{string.Join(", ", byStatus)}]; e.g. [{string.Join("; ", stuck)}]. Last worker's output:\n{lastWorker.Output}");
            }
            await Task.Delay(100);
        }
    }

    private Task<List<LeasedTask>> ReadLeasedToAsync(ServerProcess process) => QueryAsync(
        "SELECT id, step_key, idempotency_key FROM tasks WHERE status = 'running' AND lease_owner LIKE @owner",
        r => new LeasedTask(r.GetGuid(0), r.GetString(1), r.GetString(2)),
        ("owner", process.OwnerPattern));

    private async Task AssertEveryExecutionAndTaskSucceededAsync()
    {
        var executions = await QueryAsync("SELECT status, count(*) FROM workflow_executions GROUP BY status", r => (r.GetString(0), r.GetInt64(1)));
        Assert.Equal([("succeeded", (long)Executions)], executions);
        var tasks = await QueryAsync("SELECT step_key, status, count(*) FROM tasks GROUP BY step_key, status ORDER BY step_key", r => (r.GetString(0), r.GetString(1), r.GetInt64(2)));
        Assert.Equal(
            new[] { "a", "c", "d", "effect" }.Select(step => (step, "succeeded", (long)Executions)),
            tasks);
    }

    /// <summary>
    /// The step history: every task has exactly one succeeded attempt (a committed completion never ran again), and only
    /// tasks running on the killed worker may have more than one attempt row at all.
    /// </summary>
    private async Task AssertOneSucceededAttemptPerTaskAsync(List<LeasedTask> inFlightAtKill)
    {
        var perTask = await QueryAsync(
            "SELECT t.id, count(a.task_id) FILTER (WHERE a.status = 'succeeded'), count(a.task_id) FROM tasks t LEFT JOIN task_attempts a ON a.task_id = t.id GROUP BY t.id",
            r => (Id: r.GetGuid(0), Succeeded: r.GetInt64(1), All: r.GetInt64(2)));
        Assert.Equal(TotalTasks, perTask.Count);
        var notOnce = perTask.Where(t => t.Succeeded != 1).ToList();
        Assert.True(notOnce.Count == 0, $"{notOnce.Count} tasks do not have exactly one succeeded attempt, e.g. " +
            string.Join(", ", notOnce.Take(5).Select(t => $"{t.Id}: {t.Succeeded} succeeded of {t.All}")));
        var killedIds = inFlightAtKill.Select(t => t.Id).ToHashSet();
        var repeated = perTask.Where(t => t.All > 1).ToList();
        Assert.True(repeated.All(t => killedIds.Contains(t.Id)),
            $"tasks with more than one attempt that were not running on the killed worker: {string.Join(", ", repeated.Where(t => !killedIds.Contains(t.Id)).Select(t => t.Id))}");
        output.WriteLine($"attempt rows: {perTask.Sum(t => t.All)} for {perTask.Count} tasks; tasks with more than one: {repeated.Count}");
    }

    /// <summary>
    /// The counting service: every POST step performed its side effect under its own idempotency key; exactly once,
    /// except steps in flight on the killed worker, which may have performed it a second time after the lease expired.
    /// </summary>
    private async Task AssertSideEffectsExactlyOnceExceptInFlightAsync(List<LeasedTask> inFlightAtKill)
    {
        var expectedKeys = (await QueryAsync("SELECT idempotency_key FROM tasks WHERE step_key = 'effect'", r => r.GetString(0))).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Executions, expectedKeys.Count);
        var counts = _counter.CountsByKey();
        Assert.Equal(expectedKeys.Order(StringComparer.Ordinal), counts.Keys.Order(StringComparer.Ordinal));

        var mayRepeat = inFlightAtKill.Where(t => t.StepKey == "effect").Select(t => t.IdempotencyKey).ToHashSet(StringComparer.Ordinal);
        var tooMany = counts.Where(c => c.Value > 2).ToList();
        Assert.True(tooMany.Count == 0, $"keys POSTed more than twice: {string.Join(", ", tooMany.Select(c => $"{c.Key} x{c.Value}"))}");
        var unexpected = counts.Where(c => c.Value == 2 && !mayRepeat.Contains(c.Key)).ToList();
        Assert.True(unexpected.Count == 0,
            $"keys POSTed twice that were not in flight on the killed worker: {string.Join(", ", unexpected.Select(c => c.Key))}");
        output.WriteLine($"side effects: {counts.Values.Sum()} POSTs for {counts.Count} keys; performed twice: {counts.Count(c => c.Value == 2)} " +
            $"(of {mayRepeat.Count} POST steps in flight on the killed worker)");
    }

    private async Task<long> CountAsync(string sql) => (await QueryAsync(sql, r => r.GetInt64(0))).Single();

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    private sealed record LeasedTask(Guid Id, string StepKey, string IdempotencyKey);
}
