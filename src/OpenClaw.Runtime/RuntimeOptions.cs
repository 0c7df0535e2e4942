using System.Globalization;

namespace OpenClaw.Runtime;

/// <summary>Settings of the durable executor (configuration section <c>OpenClaw:Runtime</c>).</summary>
public sealed class RuntimeOptions
{
    /// <summary>Identifies this process as a lease owner. Unique per process start.</summary>
    public string NodeId { get; set; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>
    /// Whether this process runs steps (the <c>worker</c> and <c>all</c> roles). An <c>api</c> process still commits the
    /// executions it starts and cancels, but leaves running them to workers.
    /// </summary>
    public bool RunWorkers { get; set; } = true;

    /// <summary>Whether this process requeues tasks of dead workers (every role but <c>api</c>).</summary>
    public bool RunReaper { get; set; } = true;

    /// <summary>Steps this process runs at once.</summary>
    public int WorkerConcurrency { get; set; } = 64;

    /// <summary>How long a claimed task stays ours without a heartbeat.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often held leases are renewed; well under <see cref="LeaseDuration"/>.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often expired leases (dead workers) are looked for.</summary>
    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest the dispatcher sleeps without checking the queue (a safety net; wake-ups are signalled).</summary>
    public TimeSpan SafetyPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long shutdown waits for running steps to finish before cancelling them.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Most transitions committed in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>
    /// On start, return every running task to the queue whoever holds it. Right for the embedded database, which one
    /// process owns: the previous holder is known dead, so its tasks need not wait for their leases to expire.
    /// </summary>
    public bool ReleaseAllLeasesOnStart { get; set; }

    /// <summary>Environment variables expressions may read as <c>env.NAME</c>.</summary>
    public IList<string> ExposedEnvironmentVariables { get; } = [];

    internal void Validate()
    {
        if (WorkerConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(WorkerConcurrency), WorkerConcurrency, "Must be at least 1.");
        if (LeaseRenewInterval >= LeaseDuration)
            throw new ArgumentOutOfRangeException(nameof(LeaseRenewInterval), LeaseRenewInterval, "Must be shorter than LeaseDuration.");
        if (MaxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "Must be at least 1.");
    }
}
