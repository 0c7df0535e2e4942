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
using OpenClaw.Core.Caching;
using OpenClaw.Runtime;
using OpenClaw.Runtime.Caching;
using OpenClaw.Runtime.Execution;
using OpenClaw.Storage.Postgres;

namespace OpenClaw.Bench;

/// <summary>
/// Scenario <c>latency</c> on PostgreSQL, in two deployments. <c>split</c>: an <c>api</c> runtime (commits starts, runs
/// no steps, does not listen) and a <c>worker</c> runtime (LISTEN/NOTIFY, claims with SKIP LOCKED), each with its own
/// connection pool, as two processes would have. <c>all</c>: one runtime of the default role, whose start commit leases
/// the first step to a local worker (the fast path). A trickle of starts (one every <c>--interval</c>) measures
/// enqueue-to-start: from <c>StartAsync</c> (which commits the execution and its first step) to the step's start being
/// published (after the claim or lease committed, as the task is handed to a worker loop), both by
/// <see cref="Stopwatch"/>. Then a trickle of <c>delay</c> steps measures firing jitter: when the delay step ran (its
/// <c>fired_at</c> output, the worker's clock) minus its due time (<c>run_at</c>). The database holds
/// <c>--history</c> finished executions with fresh statistics first, as a deployment's does.
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

    public static async Task RunAsync(TimeSpan interval, TimeSpan duration, int history, string[] deployments)
    {
        foreach (var deployment in deployments)
        {
            if (deployment is not ("split" or "all")) throw new ArgumentException($"unknown deployment '{deployment}' (split or all)");
            await RunAsync(interval, duration, history, split: deployment == "split");
        }
    }

    private static async Task RunAsync(TimeSpan interval, TimeSpan duration, int history, bool split)
    {
        var (server, name, connectionString) = await BenchPostgres.CreateDatabaseAsync();
        await QueueHistory.SeedPostgresAsync(connectionString, history);
        IHost? api = null, worker = null;
        try
        {
            api = await StartHostAsync(connectionString, role: split ? "api" : "all");
            worker = split ? await StartHostAsync(connectionString, role: "worker") : null;
            var workflows = api.Services.GetRequiredService<IWorkflowStore>();
            await CreateWorkflowAsync(workflows, TrickleYaml);
            await CreateWorkflowAsync(workflows, DelayedYaml);
            var coordinator = api.Services.GetRequiredService<ExecutionCoordinator>();
            var claimedAt = new ConcurrentDictionary<Guid, long>();
            using var events = (worker ?? api).Services.GetRequiredService<ExecutionEventHub>().Subscribe(null, capacity: 1 << 20);
            _ = Task.Run(async () =>
            {
                await foreach (var @event in events.Reader.ReadAllAsync())
                {
                    if (@event is StepChangedEvent { Step: { StepKey: "a", Status: StepRunStatus.Running } } step)
                        claimedAt.TryAdd(step.ExecutionId, Stopwatch.GetTimestamp());
                }
            });
            var enqueuedAt = new ConcurrentDictionary<Guid, long>();
            var committedAt = new ConcurrentDictionary<Guid, long>();

            // Warm-up: JIT, connection pools, the worker's first claims.
            await TrickleAsync(coordinator, "trickle", interval, TimeSpan.FromSeconds(2), [], []);
            var trickle = await TrickleAsync(coordinator, "trickle", interval, duration, enqueuedAt, committedAt);
            var delayed = await TrickleAsync(coordinator, "delayed", interval, duration, [], []);
            await WaitFinishedAsync(connectionString, [.. trickle, .. delayed]);

            var startLatency = new Samples(trickle.Count);
            var commitLatency = new Samples(trickle.Count);
            var claimAfterCommit = new Samples(trickle.Count);
            foreach (var id in trickle)
            {
                commitLatency.Add(committedAt[id] - enqueuedAt[id]);
                if (!claimedAt.TryGetValue(id, out var claimed)) continue;
                startLatency.Add(claimed - enqueuedAt[id]);
                claimAfterCommit.Add(claimed - committedAt[id]);
            }
            var jitter = await SamplesAsync(connectionString,
                "SELECT extract(epoch FROM ((outputs->>'fired_at')::timestamptz - run_at)) * 1000000 FROM tasks WHERE execution_id = ANY(@ids) AND step_key = 'wait'", delayed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency, postgres, {(split ? "api + worker runtimes (NOTIFY, claim)" : "one runtime of role all (the start's commit leases the step to a local worker)")}, one start every {interval.TotalMilliseconds:0} ms for {duration.TotalSeconds:0} s:"));
            Console.WriteLine($"  enqueue-to-start (StartAsync called -> the step's start published): {startLatency.Summarize()}");
            Console.WriteLine($"    of which StartAsync (the group commit of the start):             {commitLatency.Summarize()}");
            Console.WriteLine($"    then until the start is published ({(split ? "NOTIFY, claim" : "local hand-off")}):       {claimAfterCommit.Summarize()}");
            Console.WriteLine($"  delay firing jitter (fired_at - run_at, 2 s delays): {jitter.Summarize()}");
        }
        finally
        {
            // Stopped (not only disposed) so their background loops end before the database goes.
            foreach (var host in new[] { worker, api })
            {
                if (host is null) continue;
                await host.StopAsync();
                host.Dispose();
            }
            await BenchPostgres.DropDatabaseAsync(server, name);
        }
    }

    private static async Task<IHost> StartHostAsync(string connectionString, string role)
    {
        bool works = role is "worker" or "all";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOpenClawPostgres(o =>
        {
            o.ConnectionString = connectionString;
            o.ListenForTasks = works;
        });
        builder.Services.AddOpenClawRuntime(o =>
        {
            o.RunWorkers = works;
            o.RunReaper = works;
        });
        builder.Services.AddSingleton<IEnumerable<Plugin>>(BuiltInPlugins.Create());
        // As the server does (AddOpenClawCache): workflow reads go through the cache, not to the database per start.
        var backend = builder.Services.Last(d => d.ServiceType == typeof(IWorkflowStore));
        builder.Services.Remove(backend);
        builder.Services.AddSingleton<IWorkflowStore>(sp => new CachingWorkflowStore(
            (IWorkflowStore)(backend.ImplementationInstance ?? backend.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, backend.ImplementationType!)),
            sp.GetRequiredService<ICache>()));
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
        ExecutionCoordinator coordinator, string workflowId, TimeSpan interval, TimeSpan duration,
        ConcurrentDictionary<Guid, long> enqueuedAt, ConcurrentDictionary<Guid, long> committedAt)
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
            committedAt[id] = Stopwatch.GetTimestamp();
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
