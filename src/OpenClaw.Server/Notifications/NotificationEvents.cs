namespace OpenClaw.Server.Notifications;

/// <summary>What a rule can be notified about.</summary>
public static class NotificationEvents
{
    public const string ExecutionFailed = "execution.failed";
    public const string ExecutionSucceeded = "execution.succeeded";

    /// <summary>An execution ran longer than the rule's threshold (found while it still runs, or when it finishes).</summary>
    public const string ExecutionSlow = "execution.slow";

    /// <summary>A step's task failed for good: every retry was used (it sits in the failed queue).</summary>
    public const string TaskDeadLettered = "task.dead_lettered";

    public static readonly IReadOnlyCollection<string> All = [ExecutionFailed, ExecutionSucceeded, ExecutionSlow, TaskDeadLettered];

    public static readonly IReadOnlyCollection<string> Channels = ["webhook", "email", "in_app"];
}
