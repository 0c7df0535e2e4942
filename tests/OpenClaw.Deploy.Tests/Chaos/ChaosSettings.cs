using System.Globalization;

namespace OpenClaw.Deploy.Tests.Chaos;

/// <summary>
/// The knobs of the scale-out chaos test, from environment variables (deploy/chaos/run.sh documents them). The
/// defaults fit a CI run on 2 cores in about five minutes.
/// </summary>
internal sealed record ChaosSettings(int Executions, int Concurrency, int Apis, int Workers, int Schedulers, int LeaseSeconds, int WorkerConcurrency)
{
    public static ChaosSettings FromEnvironment() => new(
        Executions: Read("OPENCLAW_CHAOS_EXECUTIONS", 5_000, min: 100),
        Concurrency: Read("OPENCLAW_CHAOS_CONCURRENCY", 16, min: 1),
        Apis: Read("OPENCLAW_CHAOS_APIS", 2, min: 2),
        Workers: Read("OPENCLAW_CHAOS_WORKERS", 3, min: 2),
        Schedulers: Read("OPENCLAW_CHAOS_SCHEDULERS", 2, min: 2),
        LeaseSeconds: Read("OPENCLAW_CHAOS_LEASE_SECONDS", 30, min: 2),
        WorkerConcurrency: Read("OPENCLAW_CHAOS_WORKER_CONCURRENCY", 64, min: 1));

    private static int Read(string name, int fallback, int min)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new InvalidOperationException($"{name}='{text}' must be a whole number of at least {min}.");
        return value;
    }
}
