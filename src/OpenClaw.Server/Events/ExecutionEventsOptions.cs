using System.ComponentModel.DataAnnotations;

namespace OpenClaw.Server.Events;

/// <summary>Settings of the server-sent event streams (section <c>OpenClaw:Events</c>).</summary>
public sealed class ExecutionEventsOptions
{
    /// <summary>How often an idle stream sends a heartbeat comment, so proxies and clients see the connection alive.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many unfinished executions the tenant stream's first (snapshot) event lists at most.</summary>
    [Range(1, 1000)]
    public int SnapshotLimit { get; set; } = 200;
}
