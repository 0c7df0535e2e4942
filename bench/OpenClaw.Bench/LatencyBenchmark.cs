using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime;
using OpenClaw.Runtime.Execution;
using OpenClaw.Storage.Postgres;

namespace OpenClaw.Bench;

/// <summary>
/// Scenario <c>latency</c> on PostgreSQL, with the deployment's split: an <c>api</c> runtime (commits starts, runs no
/// steps, does not listen) and a <c>worker</c> runtime (LISTEN/NOTIFY, claims with SKIP LOCKED), each with its own
/// connection pool, as two processes would have. A trickle of starts (one every <c>--interval</c>) measures
/// enqueue-to-start: from the api's <c>StartAsync</c> call (which commits the execution and its queued first step) to
/// the worker publishing the step's claim (after the claim committed, as the task is handed to a worker loop), both
/// by <see cref="Stopwatch"/>. Then a trickle of <c>delay</c> steps measures firing jitter: when the delay
/// step ran (its <c>fired_at</c> output, the worker's clock) minus its due time (<c>run_at</c>).
/// </summary>
/// <remarks>Both runtimes share this process's clock, so the differences need no clock synchronisation.</remarks>
internal static class LatencyBenchmark
{
    private const string TrickleYaml = """
        id: trickle
        name: One noop step
        steps:
          - id: a
            type: plugin
            config: { plugin: noop, inputs: { value: 1 } }
        """;

    private const string DelayedYaml = """
        id: delayed
        name: A delay then a noop
        steps:
          - id: wait
            type: delay
            config: { duration: 2s }
            next_steps: [a]
          - id: a
            type: plugin
            config: { plugin: noop, inputs: { value: 1 } }
        """;

    public static async Task RunAsync(TimeSpan interval, TimeSpan duration)
    {
        var (server, name, connectionString) = await BenchPostgres.CreateDatabaseAsync();
        try
        {
            using var api = await StartHostAsync(connectionString, role: "api");
            using var worker = await StartHostAsync(connectionString, role: "worker");
            var workflows = api.Services.GetRequiredService<IWorkflowStore>();
            await CreateWorkflowAsync(workflows, TrickleYaml);
            await CreateWorkflowAsync(workflows, DelayedYaml);
            var coordinator = api.Services.GetRequiredService<ExecutionCoordinator>();
            var claimedAt = new ConcurrentDictionary<Guid, long>();
            using var events = worker.Services.GetRequiredService<ExecutionEventHub>().Subscribe(null, capacity: 1 << 20);
            _ = Task.Run(async () =>
            {
                await foreach (var @event in events.Reader.ReadAllAsync())
                {
                    if (@event is StepChangedEvent { Step: { StepKey: "a", Status: StepRunStatus.Running } } step)
                        claimedAt.TryAdd(step.ExecutionId, Stopwatch.GetTimestamp());
                }
            });
            var enqueuedAt = new ConcurrentDictionary<Guid, long>();

            // Warm-up: JIT, connection pools, the worker's first claims.
            await TrickleAsync(coordinator, "trickle", interval, TimeSpan.FromSeconds(2), new ConcurrentDictionary<Guid, long>());
            var trickle = await TrickleAsync(coordinator, "trickle", interval, duration, enqueuedAt);
            var delayed = await TrickleAsync(coordinator, "delayed", interval, duration, new ConcurrentDictionary<Guid, long>());
            await WaitFinishedAsync(connectionString, [.. trickle, .. delayed]);

            var startLatency = new Samples(trickle.Count);
            foreach (var id in trickle)
            {
                if (claimedAt.TryGetValue(id, out var claimed)) startLatency.Add(claimed - enqueuedAt[id]);
            }
            var jitter = await SamplesAsync(connectionString,
                "SELECT extract(epoch FROM ((outputs->>'fired_at')::timestamptz - run_at)) * 1000000 FROM tasks WHERE execution_id = ANY(@ids) AND step_key = 'wait'", delayed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency, postgres, api + worker runtimes, one start every {interval.TotalMilliseconds:0} ms for {duration.TotalSeconds:0} s:"));
            Console.WriteLine($"  enqueue-to-start (StartAsync called -> worker's claim published): {startLatency.Summarize()}");
            Console.WriteLine($"  delay firing jitter (fired_at - run_at, 2 s delays): {jitter.Summarize()}");
        }
        finally
        {
            await BenchPostgres.DropDatabaseAsync(server, name);
        }
    }

    private static async Task<IHost> StartHostAsync(string connectionString, string role)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOpenClawPostgres(o =>
        {
            o.ConnectionString = connectionString;
            o.ListenForTasks = role == "worker";
        });
        builder.Services.AddOpenClawRuntime(o =>
        {
            o.RunWorkers = role == "worker";
            o.RunReaper = role == "worker";
        });
        builder.Services.AddSingleton<IEnumerable<Plugin>>(BuiltInPlugins.Create());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task CreateWorkflowAsync(IWorkflowStore store, string yaml)
    {
        var definition = Workflows.Parse(yaml);
        var now = DateTimeOffset.UtcNow;
        await store.CreateAsync(new WorkflowRecord(
            definition.Id, "default", definition.Name, null, WorkflowDefinitionWriter.ToJson(definition), yaml, "published", 1, null, now, now));
    }

    /// <summary>Starts one execution every <paramref name="interval"/> (open loop: the schedule does not wait for completions).</summary>
    private static async Task<List<Guid>> TrickleAsync(
        ExecutionCoordinator coordinator, string workflowId, TimeSpan interval, TimeSpan duration, ConcurrentDictionary<Guid, long> enqueuedAt)
    {
        var ids = new List<Guid>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; clock.Elapsed < duration; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var id = Guid.CreateVersion7();
            enqueuedAt[id] = Stopwatch.GetTimestamp();
            ids.Add(await coordinator.StartAsync(new StartExecutionRequest("default", workflowId, Trigger: "bench", ExecutionId: id)));
        }
        return ids;
    }

    private static async Task WaitFinishedAsync(string connectionString, List<Guid> ids)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM workflow_executions WHERE id = ANY(@ids) AND status IN ('pending', 'running')", connection);
            command.Parameters.AddWithValue("ids", ids.ToArray());
            long unfinished = (long)(await command.ExecuteScalarAsync())!;
            if (unfinished == 0) return;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{unfinished} executions still unfinished after 60 s");
            await Task.Delay(100);
        }
    }

    private static async Task<Samples> SamplesAsync(string connectionString, string sql, List<Guid> ids)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var samples = new Samples(ids.Count);
        while (await reader.ReadAsync())
        {
            double us = Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture);
            samples.Add((long)(us * Stopwatch.Frequency / 1_000_000));
        }
        return samples;
    }
}
