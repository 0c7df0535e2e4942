using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Runtime.Workers;

/// <summary>
/// The in-process side for comparison: a built-in plugin (<c>noop</c>) called through the worker's
/// <see cref="StepExecutor"/> exactly as a step runs it (resolve, context, timeout, inputs in, output serialised).
/// </summary>
internal static class InProcessCalls
{
    public static async Task RunAsync(int calls)
    {
        var registry = new InProcessPluginRegistry(BuiltInPlugins.Create());
        var executor = new StepExecutor(registry, new ConfiguredCredentialProvider(new ConfigurationBuilder().Build()),
            NullLoggerFactory.Instance, TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var task = new StepRunRecord(Guid.CreateVersion7(), Guid.CreateVersion7(), "default", "step", "step", "", "plugin", "noop",
            StepRunStatus.Running, JsonSerializer.SerializeToElement(new { text = "hello", n = 42 }), null, null, [],
            JsonSerializer.SerializeToElement(new { timeout_ms = 30_000 }), 1, TaskPriority.Normal, now, "bench", now.AddMinutes(1),
            "bench/1", now, now, null);

        for (var i = 0; i < 20_000; i++) await executor.ExecuteAsync(task, CancellationToken.None);
        var samples = new double[calls];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await executor.ExecuteAsync(task, CancellationToken.None);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (result.Failure is not null) throw new InvalidOperationException(result.Failure.Message);
        }
        total.Stop();
        Array.Sort(samples);
        Console.WriteLine($"in-process call (noop through StepExecutor), {calls} calls: p50 {samples[calls / 2]:0.00} us, " +
            $"p90 {samples[calls * 9 / 10]:0.00} us, p99 {samples[calls * 99 / 100]:0.00} us, {calls / total.Elapsed.TotalSeconds:0} calls/s");
    }
}
