using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox;

// Sandboxed plugin calls, measured end to end through SandboxedPluginInvoker (what the server will call):
//   cold   - a call that has to start its runner (bwrap + dotnet + plugin load), per call
//   warm   - sequential calls to a warm runner: frame out, plugin, frame back; p50/p90/p99
//   par    - closed loop of N callers over N warm runners: calls/s
//   --in-process - instead: a built-in plugin called in process through the worker's StepExecutor, for comparison
// Usage: dotnet run -c Release --project bench/OpenClaw.Bench.Sandbox -- [--calls 5000] [--cold 10] [--weak] [--in-process]
var calls = IntOption("--calls", 5000);
if (args.Contains("--in-process"))
{
    await InProcessCalls.RunAsync(IntOption("--calls", 200_000));
    return;
}
var coldSamples = IntOption("--cold", 10);
var weak = args.Contains("--weak");

var pluginAssembly = Path.Combine(AppContext.BaseDirectory, "plugins", "OpenClaw.Sandbox.TestPlugins.dll");
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
var options = new SandboxOptions
{
    RunnersPerPlugin = 4,
    MaxCallsPerRunner = int.MaxValue,
    AllowWeakIsolation = weak,
    BubblewrapPath = weak ? "/nonexistent/bwrap" : null,
};
await using var invoker = new SandboxedPluginInvoker(Options.Create(options), new InMemorySecurityEventSink(), loggerFactory.CreateLogger<SandboxedPluginInvoker>());

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, {TotalMemoryGb():0.#} GiB; {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"isolation: {invoker.Isolation}; load average before: {LoadAverage()}");

var inputs = new JsonObject { ["text"] = "hello", ["n"] = 42 };
var context = new SandboxCallContext { ExecutionId = Guid.NewGuid(), StepId = "bench", IdempotencyKey = "bench/1", Timeout = TimeSpan.FromSeconds(30) };

// Cold: each sample uses a plugin reference with different limits, which gets a pool (and a runner) of its own. A separate
// invoker keeping one runner per plugin, so no background starts overlap the samples or the warm measurements.
var cold = new List<double>();
await using (var coldInvoker = new SandboxedPluginInvoker(Options.Create(options with { RunnersPerPlugin = 1 }), new InMemorySecurityEventSink()))
{
    for (var i = 0; i < coldSamples; i++)
    {
        var plugin = Echo(new PluginResources(MemoryMb: 256 + i, CpuTimeSeconds: 30));
        var watch = Stopwatch.StartNew();
        var result = await coldInvoker.ExecuteAsync(plugin, inputs, context);
        cold.Add(watch.Elapsed.TotalMilliseconds);
        Check(result);
    }
}
Report("cold call (runner start + plugin load + call)", cold, "ms");

var echo = Echo(PluginResources.Default);
await invoker.WarmUpAsync(echo);
for (var i = 0; i < 500; i++) Check(await invoker.ExecuteAsync(echo, inputs, context));
var warm = new List<double>(calls);
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var total = Stopwatch.StartNew();
for (var i = 0; i < calls; i++)
{
    var start = Stopwatch.GetTimestamp();
    var result = await invoker.ExecuteAsync(echo, inputs, context);
    warm.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    Check(result);
}
total.Stop();
Report("warm round trip, sequential", warm, "us");
Console.WriteLine($"  {calls / total.Elapsed.TotalSeconds:0} calls/s on one caller; host CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / calls:0} us per call");

foreach (var callers in new[] { 2, 4 })
{
    var window = TimeSpan.FromSeconds(5);
    var latencies = new List<double>();
    var watch = Stopwatch.StartNew();
    var loops = Enumerable.Range(0, callers).Select(async _ =>
    {
        var mine = new List<double>();
        while (watch.Elapsed < window)
        {
            var start = Stopwatch.GetTimestamp();
            Check(await invoker.ExecuteAsync(echo, inputs, context));
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        lock (latencies) latencies.AddRange(mine);
    });
    await Task.WhenAll(loops);
    Report($"warm round trip, {callers} parallel callers", latencies, "us");
    Console.WriteLine($"  {latencies.Count / watch.Elapsed.TotalSeconds:0} calls/s");
}
Console.WriteLine($"runners started: {invoker.RunnersStarted}; load average after: {LoadAverage()}");

SandboxPluginRef Echo(PluginResources resources) =>
    new("echo", pluginAssembly, "OpenClaw.Sandbox.TestPlugins.EchoPlugin") { Resources = resources };

static void Check(SandboxResult result)
{
    if (!result.Succeeded) throw new InvalidOperationException($"A benchmark call failed: {result.Failure.Message}");
}

static void Report(string name, List<double> samples, string unit)
{
    samples.Sort();
    double P(double q) => samples[Math.Clamp((int)Math.Ceiling(q * samples.Count) - 1, 0, samples.Count - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: n={samples.Count} p50={P(0.50):0.0} p90={P(0.90):0.0} p99={P(0.99):0.0} max={samples[^1]:0.0} mean={samples.Average():0.0} {unit}"));
}

int IntOption(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static string CpuModel() =>
    File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?" : "?";

static double TotalMemoryGb() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
