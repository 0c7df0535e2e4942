using System.Diagnostics;
using OpenClaw.Runtime;
using OpenClaw.Runtime.Workers;

namespace OpenClaw.Server.Observability;

/// <summary>
/// What this process's executor and the process itself are doing: worker slots in use, leases found expired, and the
/// customary <c>process_*</c> figures (CPU seconds, resident memory, start time) that dashboards chart per instance.
/// </summary>
internal sealed class WorkerMetrics(WorkerPool pool, RuntimeOptions options, LeaseStatistics leases)
{
    private static readonly double StartTime = Process.GetCurrentProcess().StartTime.ToUniversalTime().Subtract(DateTime.UnixEpoch).TotalSeconds;

    public void Write(PrometheusTextWriter writer)
    {
        var capacity = options.RunWorkers ? options.WorkerConcurrency : 0;
        writer.Family("openclaw_workers_busy", "gauge", "Worker slots of this process running a step right now (0 in the api and scheduler roles).");
        writer.Sample("openclaw_workers_busy", options.RunWorkers ? pool.Busy : 0);
        writer.Family("openclaw_workers_capacity", "gauge", "Worker slots of this process (OpenClaw:WorkerConcurrency; 0 in roles that run no steps).");
        writer.Sample("openclaw_workers_capacity", capacity);
        writer.Family("openclaw_lease_expiries_total", "counter", "Steps this process returned to the queue because their worker's lease expired (a worker died or stalled).");
        writer.Sample("openclaw_lease_expiries_total", leases.Expired);

        using var process = Process.GetCurrentProcess();
        writer.Family("process_cpu_seconds_total", "counter", "CPU time this process used, user and system, in seconds.");
        writer.Sample("process_cpu_seconds_total", process.TotalProcessorTime.TotalSeconds);
        writer.Family("process_resident_memory_bytes", "gauge", "Resident memory of this process, in bytes.");
        writer.Sample("process_resident_memory_bytes", process.WorkingSet64);
        writer.Family("process_start_time_seconds", "gauge", "When this process started, in seconds since the Unix epoch.");
        writer.Sample("process_start_time_seconds", StartTime);
    }
}
