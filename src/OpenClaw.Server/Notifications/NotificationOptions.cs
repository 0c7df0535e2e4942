using System.ComponentModel.DataAnnotations;

namespace OpenClaw.Server.Notifications;

/// <summary>Timings of the notification service (section <c>OpenClaw:Notifications</c>).</summary>
public sealed class NotificationOptions
{
    /// <summary>How often rules are evaluated against executions that finished (also woken at once by local completions).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan EvaluateInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far back each evaluation looks again, for completions committed late by another process; the dedupe key makes
    /// the second look harmless.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ScanOverlap { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often due deliveries are looked for (also woken at once by new ones).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan DeliveryPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts per delivery before it is marked failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Delay after the first failed attempt; doubles each time (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between two attempts of a delivery.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Time allowed for one webhook or e-mail delivery.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a claimed delivery stays with its node before another may retry it (a node that died mid-send).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan DeliveryLease { get; set; } = TimeSpan.FromMinutes(2);
}
