namespace OpenClaw.Runtime.Workers;

/// <summary>Counts of this process's lease housekeeping since start, for monitoring (the server's <c>/metrics</c>).</summary>
public sealed class LeaseStatistics
{
    private long _expired;

    /// <summary>Tasks this process returned to the queue because their worker's lease had expired (the worker died or stalled).</summary>
    public long Expired => Interlocked.Read(ref _expired);

    internal void AddExpired(int count) => Interlocked.Add(ref _expired, count);
}
