using System.Globalization;
using System.Runtime;
using OpenClaw.Bench;

// Usage: dotnet run -c Release --project bench/OpenClaw.Bench -- <scenario> [options]   (see bench/README.md)
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.WriteLine("""
        usage: OpenClaw.Bench <engine|durable|commit|fsync|all|queue|latency> [options]
          --sync FULL,NORMAL        SQLite synchronous modes to run (durable, commit)
          --concurrency 1,16,64     closed-loop starters (durable)
          --workers 64              worker slots (durable)
          --batch 1,16,128          transitions per transaction (commit)
          --execution-ids v4        v4 (random, as the coordinator) or v7 (time-ordered) execution ids (commit)
          --seconds 10              measured time per point (durable, commit)
          --warmup 3                warm-up seconds per point (durable, queue)
          --executions 200000       executions measured (engine)
          --storage sqlite,postgres backends (queue)
          --postgres "Host=..."     an existing PostgreSQL server (role with CREATEDB) instead of a throwaway cluster
          --interval 20             milliseconds between trickled starts (latency)
          --deployment split,all    api and worker runtimes apart (NOTIFY, claim) and/or one runtime of role all (latency)
          --clients 1,8             concurrent enqueue/claim/complete loops (queue)
          --history 100000          finished executions in the database before measuring, statistics refreshed (queue, latency)
        """);
    return 2;
}

MachineInfo.Print();
if (options.Scenario is "engine" or "all") EngineBenchmark.Run(options.Executions);
if (options.Scenario is "fsync" or "commit" or "all") CommitBenchmark.MeasureFsync();
if (options.Scenario is "commit" or "all")
{
    foreach (var sync in options.Sync) await CommitBenchmark.RunAsync(sync, options.Batches, options.Duration, options.Version7ExecutionIds);
}
if (options.Scenario is "durable" or "all")
{
    foreach (var sync in options.Sync)
    {
        foreach (int concurrency in options.Concurrency)
            await DurableBenchmark.RunAsync(sync, concurrency, options.Workers, options.Warmup, options.Duration);
    }
}
if (options.PostgresConnectionString is { } postgres) BenchPostgres.UseServer(postgres);
if (options.Scenario is "queue")
{
    foreach (var storage in options.Storage) await QueueBenchmark.RunAsync(storage, options.Batches, options.Clients, options.Warmup, options.Duration, options.History);
}
if (options.Scenario is "latency") await LatencyBenchmark.RunAsync(options.Interval, options.Duration, options.History, options.Deployments);
MachineInfo.PrintLoad("after");
return 0;

internal sealed record BenchOptions(
    string Scenario, string[] Sync, int[] Concurrency, int Workers, int[] Batches, TimeSpan Duration, TimeSpan Warmup, int Executions,
    bool Version7ExecutionIds = false, string[]? StorageList = null, string? PostgresConnectionString = null, double IntervalMs = 20, int[]? ClientList = null, int History = 100_000, string[]? DeploymentList = null)
{
    public static BenchOptions? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("engine" or "durable" or "commit" or "fsync" or "all" or "queue" or "latency")) return null;
        var o = new BenchOptions(args[0], ["FULL", "NORMAL"], [1, 16, 64, 256], 64, [1, 16, 128],
            TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), 200_000);
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            o = args[i] switch
            {
                "--sync" => o with { Sync = value.ToUpperInvariant().Split(',') },
                "--concurrency" => o with { Concurrency = Ints(value) },
                "--workers" => o with { Workers = int.Parse(value, CultureInfo.InvariantCulture) },
                "--batch" => o with { Batches = Ints(value) },
                "--seconds" => o with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--warmup" => o with { Warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--execution-ids" => o with { Version7ExecutionIds = value.ToLowerInvariant() switch
                {
                    "v7" => true,
                    "v4" => false,
                    _ => throw new ArgumentException("--execution-ids must be v4 or v7"),
                } },
                "--executions" => o with { Executions = int.Parse(value, CultureInfo.InvariantCulture) },
                "--storage" => o with { StorageList = value.ToLowerInvariant().Split(',') },
                "--postgres" => o with { PostgresConnectionString = value },
                "--clients" => o with { ClientList = Ints(value) },
                "--deployment" => o with { DeploymentList = value.ToLowerInvariant().Split(',') },
                "--history" => o with { History = int.Parse(value, CultureInfo.InvariantCulture) },
                "--interval" => o with { IntervalMs = double.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }
        return o;
    }

    public string[] Storage => StorageList ?? ["sqlite", "postgres"];

    public int[] Clients => ClientList ?? [1, 8];

    public string[] Deployments => DeploymentList ?? ["split", "all"];

    public TimeSpan Interval => TimeSpan.FromMilliseconds(IntervalMs);

    private static int[] Ints(string value) => value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}

/// <summary>What the figures were measured on.</summary>
internal static class MachineInfo
{
    public static void Print()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        string memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(':', 2)[1].Trim()
            : "?";
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, CPU {cpu}, memory {memory}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"runtime: .NET {Environment.Version}, server GC {GCSettings.IsServerGC}, date {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        PrintLoad("before");
    }

    public static void PrintLoad(string when)
    {
        if (File.Exists("/proc/loadavg")) Console.WriteLine($"load average {when}: {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}
