using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Bench;

/// <summary>
/// Scenario <c>durable</c>: three-step noop executions through the real runtime (coordinator with group commit,
/// workers, dispatcher, leases) on a SQLite file, driven by a closed loop of N starters: each starts an execution,
/// waits for it to finish, and starts the next.
/// </summary>
/// <remarks>
/// Completion is observed through one all-executions subscription to the event hub (events are published right after
/// the commit), so waiting costs no extra database reads. Execution ids are the runtime's own (none is passed in), so
/// the rows are keyed as the server's would be. Per-step latency is measured two ways: from the events
/// (commit that queued the step to the commit that recorded its result, µs resolution) and from the stored rows
/// (attempt finished minus step created, 1 ms resolution since the schema stores milliseconds).
/// </remarks>
internal static class DurableBenchmark
{
    public static async Task RunAsync(string synchronous, int concurrency, int workers, TimeSpan warmup, TimeSpan duration)
    {
        await using var host = await BenchHost.StartAsync(synchronous, workers);
        var coordinator = host.Services.GetRequiredService<ExecutionCoordinator>();
        var queries = host.Services.GetRequiredService<IExecutionQueries>();
        using var events = host.Services.GetRequiredService<ExecutionEventHub>().Subscribe(null, capacity: 1 << 22);

        var waiting = new ConcurrentDictionary<Guid, TaskCompletionSource<ExecutionRecord>>();
        var stepLatency = new Samples(1 << 16);
        var measuring = new Flag();
        var reader = Task.Run(() => ReadEventsAsync(events, waiting, stepLatency, measuring));

        long measureFrom = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        long stopAt = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var measureGate = Task.Delay(warmup).ContinueWith(_ =>
        {
            measuring.Value = true;
            host.Store.Recording = true;
        }, TaskScheduler.Default);

        var process = Process.GetCurrentProcess();
        var cpuAtStart = TimeSpan.Zero;
        _ = measureGate.ContinueWith(_ => cpuAtStart = process.TotalProcessorTime, TaskScheduler.Default);

        var starters = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => StarterAsync(coordinator, waiting, measureFrom, stopAt))).ToArray();
        var results = await Task.WhenAll(starters);
        measuring.Value = false;
        host.Store.Recording = false;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuAtStart;
        var store = host.Store.Take();

        var e2e = new Samples();
        var started = new Samples();
        var measuredIds = new List<Guid>();
        long completed = 0;
        foreach (var r in results)
        {
            e2e.AddRange(r.EndToEnd);
            started.AddRange(r.StartCall);
            completed += r.CompletedInWindow;
            measuredIds.AddRange(r.MeasuredIds);
        }

        var rowLatency = await StepLatencyFromRowsAsync(queries, measuredIds, sampleSize: 2000);

        double seconds = duration.TotalSeconds;
        double executionsPerSecond = completed / seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"durable, synchronous={synchronous}, {concurrency} concurrent starters, {workers} workers: {executionsPerSecond:N0} executions/s " +
            $"({executionsPerSecond * Workflows.Chain3Steps:N0} steps/s), {completed:N0} executions in {seconds:0} s after {warmup.TotalSeconds:0} s warm-up"));
        Console.WriteLine($"  execution end to end:               {e2e.Summarize()}");
        Console.WriteLine($"  StartAsync (start durably stored):  {started.Summarize()}");
        Console.WriteLine($"  step, queued-commit to result-commit (events): {stepLatency.Summarize()}");
        Console.WriteLine($"  step, attempt finished - step created (rows, 1 ms resolution): {rowLatency.Summarize()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  group commit: {store.Commits / seconds:N0} commits/s, {(store.Commits == 0 ? 0 : store.Changes / (double)store.Commits):0.0} execution changes per commit; " +
            $"commit time {store.CommitTimes.Summarize()}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  claims by the dispatcher: {store.Claims / seconds:N0}/s returning {store.Claimed / seconds:N0} tasks/s; " +
            $"process CPU {cpu.TotalSeconds / seconds:0.00} cores of {Environment.ProcessorCount}"));

        events.Dispose();
        await reader;
    }

    private static async Task<StarterResult> StarterAsync(
        ExecutionCoordinator coordinator, ConcurrentDictionary<Guid, TaskCompletionSource<ExecutionRecord>> waiting, long measureFrom, long stopAt)
    {
        var result = new StarterResult();
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            long t0 = Stopwatch.GetTimestamp();
            var id = await coordinator.StartAsync(new StartExecutionRequest("default", Workflows.ChainId, Trigger: "bench"));
            long t1 = Stopwatch.GetTimestamp();

            // The execution may finish before StartAsync's continuation runs: whichever side comes first adds the entry.
            var finished = await waiting.GetOrAdd(id, NewCompletion).Task;
            waiting.TryRemove(id, out _);
            long t2 = Stopwatch.GetTimestamp();
            if (finished.Status != ExecutionStatus.Succeeded)
                throw new InvalidOperationException($"execution {id} ended {finished.Status}: {finished.Error}");
            if (t0 >= measureFrom && t2 <= stopAt)
            {
                result.EndToEnd.Add(t2 - t0);
                result.StartCall.Add(t1 - t0);
                result.MeasuredIds.Add(id);
            }
            if (t2 >= measureFrom && t2 <= stopAt) result.CompletedInWindow++;
        }
        return result;
    }

    private static async Task ReadEventsAsync(
        ExecutionEventHub.Subscription events, ConcurrentDictionary<Guid, TaskCompletionSource<ExecutionRecord>> waiting,
        Samples stepLatency, Flag measuring)
    {
        var queuedAt = new Dictionary<(Guid, string), long>();
        await foreach (var @event in events.Reader.ReadAllAsync())
        {
            long now = Stopwatch.GetTimestamp();
            switch (@event)
            {
                case StepChangedEvent step when step.Step.Status == StepRunStatus.Succeeded:
                    if (queuedAt.Remove((step.ExecutionId, step.Step.StepKey), out var since) && measuring.Value) stepLatency.Add(now - since);
                    break;
                case StepChangedEvent step:
                    queuedAt.TryAdd((step.ExecutionId, step.Step.StepKey), now);
                    break;
                case ExecutionFinishedEvent finished:
                    waiting.GetOrAdd(finished.ExecutionId, NewCompletion).TrySetResult(finished.Execution);
                    break;
            }
        }
    }

    private static TaskCompletionSource<ExecutionRecord> NewCompletion(Guid id) => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task<Samples> StepLatencyFromRowsAsync(IExecutionQueries queries, List<Guid> ids, int sampleSize)
    {
        var samples = new Samples();
        if (ids.Count == 0) return samples;
        int stride = Math.Max(1, ids.Count / sampleSize);
        for (int i = 0; i < ids.Count; i += stride)
        {
            var detail = await queries.GetAsync("default", ids[i]);
            if (detail is null) continue;
            var finished = detail.Attempts.GroupBy(a => a.TaskId).ToDictionary(g => g.Key, g => g.Max(a => a.FinishedAt));
            foreach (var step in detail.Steps)
            {
                if (finished.TryGetValue(step.Id, out var at))
                    samples.Add((long)((at - step.CreatedAt).TotalSeconds * Stopwatch.Frequency));
            }
        }
        return samples;
    }

    private sealed class StarterResult
    {
        public Samples EndToEnd { get; } = new();

        public Samples StartCall { get; } = new();

        public List<Guid> MeasuredIds { get; } = [];

        public long CompletedInWindow { get; set; }
    }

    private sealed class Flag
    {
        public volatile bool Value;
    }
}
