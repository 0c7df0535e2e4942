using System.ComponentModel.DataAnnotations;

namespace OpenClaw.Server.Triggers;

/// <summary>Limits of the public webhook endpoint (section <c>OpenClaw:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Largest accepted webhook body, in bytes; larger ones get 413.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests per second accepted per webhook path (fixed one-second window; all nodes together when Redis is configured); more get 429.</summary>
    [Range(1, int.MaxValue)]
    public int RateLimitPerSecond { get; set; } = 200;

    /// <summary>How far a signed request's <c>X-OpenClaw-Timestamp</c> may be from the server's clock.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often a sync call re-reads its execution while waiting when nothing told it of a change: a safety net for an
    /// execution finished on another process (PostgreSQL scale-out) whose change notification was lost.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan SyncPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a trigger lookup is cached; changes made on this process invalidate it at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan LookupCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
