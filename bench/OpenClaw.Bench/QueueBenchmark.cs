using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;
using OpenClaw.Storage.Postgres;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Bench;

/// <summary>
/// Scenario <c>queue</c>: the durable queue through the store alone, on SQLite or PostgreSQL. Each round enqueues
/// <c>batch</c> one-step <c>noop</c> executions (one <c>CommitAsync</c>), claims them (<c>ClaimAsync</c> with a lease)
/// and completes them (one <c>CommitAsync</c> writing the results, the attempts and the finished executions): three
/// transactions per round. Batch 1 is the unbatched case, three round trips per task. <c>clients</c> such loops run at
/// once against the same database (each claims only what it enqueued... or a neighbour's: the queue is shared, and a
/// loop completes whatever its claim returned).
/// </summary>
/// <remarks>
/// The noop plugin is not called: its cost is nil and the point is the queue. Execution ids are time-ordered (v7) as
/// the coordinator makes them.
/// </remarks>
internal static class QueueBenchmark
{
    private const string OneStepYaml = """
        id: one
        name: One noop step
        steps:
          - id: a
            type: plugin
            config: { plugin: noop, inputs: { value: 1 } }
        """;

    public static async Task RunAsync(string storage, int[] batchSizes, int[] clientCounts, TimeSpan warmup, TimeSpan duration, int history)
    {
        foreach (int clients in clientCounts)
        {
            foreach (int batch in batchSizes)
            {
                await using var backend = await Backend.OpenAsync(storage, history);
                await MeasureAsync(backend.Store, storage, batch, clients, warmup, print: false);
                await MeasureAsync(backend.Store, storage, batch, clients, duration, print: true);
            }
        }
    }

    private static async Task MeasureAsync(IExecutionStore store, string storage, int batch, int clients, TimeSpan duration, bool print)
    {
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var started = Stopwatch.GetTimestamp();
        var shared = new ConcurrentDictionary<Guid, (ExecutionState State, StepRun Run)>();
        var loops = await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() => LoopAsync(store, shared, batch, duration, $"bench-{i}"))));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (!print) return;

        var enqueue = new Samples();
        var claim = new Samples();
        var complete = new Samples();
        foreach (var loop in loops)
        {
            enqueue.AddRange(loop.Enqueue);
            claim.AddRange(loop.Claim);
            complete.AddRange(loop.Complete);
        }
        long tasks = loops.Sum(l => l.Tasks);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"queue, {storage}, {batch} tasks per transaction, {clients} concurrent loops: {tasks / elapsed:N0} tasks/s enqueued+claimed+completed ({tasks:N0} in {elapsed:0.0} s)"));
        // Allocation totals are left out: GC.GetTotalAllocatedBytes went backwards across gen2 collections here.
        Console.WriteLine($"  garbage collections in this process, gen0/1/2: {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}");
        Console.WriteLine($"  enqueue CommitAsync:  {enqueue.Summarize()}");
        Console.WriteLine($"  ClaimAsync:           {claim.Summarize()}");
        Console.WriteLine($"  complete CommitAsync: {complete.Summarize()}");
    }

    private sealed record LoopResult(long Tasks, Samples Enqueue, Samples Claim, Samples Complete);

    /// <param name="shared">Enqueued executions by id, published once their enqueue committed: any loop may claim any task.</param>
    private static async Task<LoopResult> LoopAsync(
        IExecutionStore store, ConcurrentDictionary<Guid, (ExecutionState State, StepRun Run)> shared, int batch, TimeSpan duration, string owner)
    {
        var plan = WorkflowPlan.Compile(Workflows.Parse(OneStepYaml), storedVersion: 1);
        var engine = new WorkflowEngine(TimeProvider.System);
        var inputs = JsonSerializer.SerializeToElement(new { });
        var effects = new TransitionEffects();
        var live = new Dictionary<Guid, (ExecutionState State, StepRun Run)>(batch);
        var changes = new List<ExecutionChange>(batch);
        var enqueueTimes = new Samples();
        var claimTimes = new Samples();
        var completeTimes = new Samples();
        long tasks = 0;

        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            live.Clear();
            changes.Clear();
            var now = DateTimeOffset.UtcNow;
            for (int i = 0; i < batch; i++)
            {
                effects.Clear();
                var state = ExecutionState.CreateNew(Guid.CreateVersion7(), "default", "one", 1, inputs, TaskPriority.Normal, "bench", null, now);
                engine.Start(state, plan, effects);
                live[state.Id] = (state, effects.Dispatch[0]);
                changes.Add(state.TakeChange());
            }
            long t0 = Stopwatch.GetTimestamp();
            await store.CommitAsync(changes);
            enqueueTimes.Add(Stopwatch.GetTimestamp() - t0);
            foreach (var (id, entry) in live)
            {
                entry.State.AcceptChange();
                shared[id] = entry;
            }

            int remaining = batch;
            changes.Clear();
            while (remaining > 0)
            {
                long t1 = Stopwatch.GetTimestamp();
                var claimed = await store.ClaimAsync(owner, remaining, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));
                claimTimes.Add(Stopwatch.GetTimestamp() - t1);
                if (claimed.Count == 0)
                {
                    // Other loops took this loop's tasks and have not enqueued theirs yet; they will.
                    await Task.Yield();
                    continue;
                }
                remaining -= claimed.Count;
                now = DateTimeOffset.UtcNow;
                foreach (var task in claimed)
                {
                    (ExecutionState State, StepRun Run) claimedEntry;
                    // Claimed between another loop's commit and its publishing the execution: a moment away.
                    while (!shared.TryRemove(task.Step.ExecutionId, out claimedEntry)) await Task.Yield();
                    var (state, run) = claimedEntry;
                    state.LeaseLocally(run, owner, task.LeaseExpiresAt, now);
                    effects.Clear();
                    engine.StepSucceeded(state, plan, run.Key, run.Inputs!.Value, new AttemptInfo(run.Attempt, owner, now, now), effects);
                    changes.Add(state.TakeChange());
                }
            }
            long t2 = Stopwatch.GetTimestamp();
            await store.CommitAsync(changes);
            completeTimes.Add(Stopwatch.GetTimestamp() - t2);
            tasks += batch;
        }
        return new LoopResult(tasks, enqueueTimes, claimTimes, completeTimes);
    }

    /// <summary>A fresh database of either kind: a SQLite file in the temp folder, or a migrated PostgreSQL database.</summary>
    private sealed class Backend : IAsyncDisposable
    {
        private readonly Func<ValueTask> _dispose;

        private Backend(IExecutionStore store, Func<ValueTask> dispose)
        {
            Store = store;
            _dispose = dispose;
        }

        public IExecutionStore Store { get; }

        public static async Task<Backend> OpenAsync(string storage, int history)
        {
            if (storage == "postgres")
            {
                var (server, name, connectionString) = await BenchPostgres.CreateDatabaseAsync();
                await QueueHistory.SeedPostgresAsync(connectionString, history);
                var database = await PostgresDatabase.OpenAsync(new PostgresStorageOptions { ConnectionString = connectionString }, logger: null);
                return new Backend(new PostgresExecutionStore(database), async () =>
                {
                    await database.DisposeAsync();
                    await BenchPostgres.DropDatabaseAsync(server, name);
                });
            }

            var directory = Path.Combine(Path.GetTempPath(), "openclaw-bench", Guid.NewGuid().ToString("N"));
            var sqlite = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { DataSource = Path.Combine(directory, "openclaw.db"), Synchronous = "NORMAL" });
            QueueHistory.SeedSqlite(Path.Combine(directory, "openclaw.db"), history);
            return new Backend(new SqliteExecutionStore(sqlite), async () =>
            {
                await sqlite.DisposeAsync();
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // A leftover temp folder is harmless.
                }
            });
        }

        public ValueTask DisposeAsync() => _dispose();
    }
}
