using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Bench;

/// <summary>
/// Scenario <c>commit</c>: the storage ceiling without workers or the coordinator. The engine advances
/// <c>batch</c> executions by one transition each, and the rows are written with one <c>CommitAsync</c>, as the
/// coordinator's group commit does. Shows what one transaction costs and how many transitions per second the file
/// takes at a given batch size; also the disk's raw fsync latency, the floor under <c>synchronous=FULL</c>.
/// </summary>
/// <remarks>
/// Execution ids are random (v4) like the coordinator's unless <c>--execution-ids v7</c>; step ids are whatever the
/// engine assigns. Time-ordered keys keep the primary and unique indexes appending instead of dirtying random pages.
/// </remarks>
internal static class CommitBenchmark
{
    public static async Task RunAsync(string synchronous, int[] batchSizes, TimeSpan duration, bool version7Ids)
    {
        foreach (int batch in batchSizes)
        {
            var directory = Path.Combine(Path.GetTempPath(), "openclaw-bench", Guid.NewGuid().ToString("N"));
            try
            {
                await using var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions
                {
                    DataSource = Path.Combine(directory, "openclaw.db"),
                    Synchronous = synchronous,
                });
                var store = new SqliteExecutionStore(database);
                await MeasureAsync(store, synchronous, batch, TimeSpan.FromSeconds(1), version7Ids, print: false);
                await MeasureAsync(store, synchronous, batch, duration, version7Ids, print: true);
            }
            finally
            {
                TryDelete(directory);
            }
        }
    }

    /// <summary>Write 4 KiB and fsync, repeatedly, in the temp folder: what one durable commit costs at least.</summary>
    public static void MeasureFsync(int iterations = 300)
    {
        var path = Path.Combine(Path.GetTempPath(), $"openclaw-fsync-{Guid.NewGuid():N}");
        var samples = new Samples(iterations);
        var block = new byte[4096];
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            for (int i = 0; i < iterations; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                file.Write(block);
                file.Flush(flushToDisk: true);
                samples.Add(Stopwatch.GetTimestamp() - t0);
            }
        }
        finally
        {
            File.Delete(path);
        }
        Console.WriteLine($"disk: 4 KiB write + fsync in {Path.GetTempPath()}: {samples.Summarize()}");
    }

    private static async Task MeasureAsync(SqliteExecutionStore store, string synchronous, int batch, TimeSpan duration, bool version7Ids, bool print)
    {
        var plan = Workflows.Chain3Plan();
        var engine = new WorkflowEngine(TimeProvider.System);
        var inputs = JsonSerializer.SerializeToElement(new { });
        var effects = new TransitionEffects();
        var live = new (ExecutionState State, StepRun? Next)[batch];
        var commitTimes = new Samples();
        long transitions = 0;
        long executions = 0;

        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var changes = new List<ExecutionChange>(batch);
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            changes.Clear();
            for (int i = 0; i < batch; i++)
            {
                var now = DateTimeOffset.UtcNow;
                effects.Clear();
                if (live[i].State is null || live[i].State.Status.IsTerminal())
                {
                    if (live[i].State is not null) executions++;
                    var state = ExecutionState.CreateNew(version7Ids ? Guid.CreateVersion7() : Guid.NewGuid(), "default", Workflows.ChainId, 1, inputs, TaskPriority.Normal, "bench", null, now);
                    engine.Start(state, plan, effects);
                    live[i] = (state, null);
                }
                else
                {
                    var run = live[i].Next!;
                    engine.StepSucceeded(live[i].State, plan, run.Key, run.Inputs!.Value, new AttemptInfo(run.Attempt, "bench", now, now), effects);
                }
                // The coordinator writes a due task already leased to its own workers; do the same so the rows match.
                var next = effects.Dispatch.Count > 0 ? effects.Dispatch[0] : null;
                if (next is not null) live[i].State.LeaseLocally(next, "bench", now.AddSeconds(30), now);
                live[i].Next = next;
                changes.Add(live[i].State.TakeChange());
            }

            long t0 = Stopwatch.GetTimestamp();
            await store.CommitAsync(changes);
            commitTimes.Add(Stopwatch.GetTimestamp() - t0);
            for (int i = 0; i < batch; i++) live[i].State.AcceptChange();
            transitions += batch;
        }
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (!print) return;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"commit, synchronous={synchronous}, execution ids v{(version7Ids ? 7 : 4)}, {batch} transitions per transaction: {transitions / elapsed:N0} transitions/s " +
            $"(= {transitions / elapsed / (Workflows.Chain3Steps + 1):N0} three-step executions/s at 4 transitions each; {executions:N0} finished)"));
        Console.WriteLine($"  CommitAsync: {commitTimes.Summarize()}");
        Console.WriteLine($"  per transition: {commitTimes.Summarize(batch)}");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
