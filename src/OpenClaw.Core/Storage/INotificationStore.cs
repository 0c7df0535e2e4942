namespace OpenClaw.Core.Storage;

/// <summary>
/// The notification service's tables: rules (<c>notification_rules</c>), the durable delivery queue and log
/// (<c>notification_deliveries</c>), the in-app inbox (<c>notification_inbox</c>), and the reads over executions and
/// tasks that find what to notify about.
/// </summary>
public interface INotificationStore
{
    Task<NotificationRuleRecord> CreateRuleAsync(NotificationRuleRecord rule, CancellationToken cancellationToken = default);

    /// <summary>One rule, or null (also when it belongs to another tenant).</summary>
    Task<NotificationRuleRecord?> GetRuleAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>The tenant's rules, oldest first.</summary>
    Task<IReadOnlyList<NotificationRuleRecord>> ListRulesAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Every enabled rule of every tenant (the evaluator's view).</summary>
    Task<IReadOnlyList<NotificationRuleRecord>> ListEnabledRulesAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces every field but the id, tenant and creation stamp; null when there is no such rule in the tenant.</summary>
    Task<NotificationRuleRecord?> UpdateRuleAsync(NotificationRuleRecord rule, CancellationToken cancellationToken = default);

    /// <summary>Removes a rule (its delivery log stays); false when there was none.</summary>
    Task<bool> DeleteRuleAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>Queues deliveries; one whose <see cref="NotificationDeliveryRecord.DedupeKey"/> exists already is skipped.</summary>
    /// <returns>How many were new.</returns>
    Task<int> EnqueueAsync(IReadOnlyList<NotificationDeliveryRecord> deliveries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <paramref name="limit"/> deliveries that are pending and due at <paramref name="now"/>, or whose
    /// lease expired: they become <c>sending</c>, owned by <paramref name="owner"/> until <paramref name="leaseUntil"/>.
    /// </summary>
    Task<IReadOnlyList<NotificationDeliveryRecord>> ClaimDueAsync(
        string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records an attempt's outcome: status, attempts, next attempt, last error, delivered stamp; clears the lease.</summary>
    Task UpdateDeliveryAsync(NotificationDeliveryRecord delivery, CancellationToken cancellationToken = default);

    /// <summary>The tenant's deliveries, newest first.</summary>
    Task<IReadOnlyList<NotificationDeliveryRecord>> ListDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Adds an inbox item; a second item for the same delivery is ignored (deliveries are at least once).</summary>
    Task AddInboxItemAsync(InboxItemRecord item, CancellationToken cancellationToken = default);

    /// <summary>The tenant's inbox, newest first.</summary>
    Task<IReadOnlyList<InboxItemRecord>> ListInboxAsync(string tenantId, bool unreadOnly, int limit, CancellationToken cancellationToken = default);

    /// <summary>Marks an item read (keeping the first read stamp); false when there is no such item in the tenant.</summary>
    Task<bool> MarkReadAsync(string tenantId, Guid id, DateTimeOffset readAt, CancellationToken cancellationToken = default);

    /// <summary>Executions of every tenant that finished at or after <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<ExecutionRecord>> ListFinishedExecutionsAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken = default);

    /// <summary>Executions still pending or running that were created before <paramref name="createdBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<ExecutionRecord>> ListUnfinishedExecutionsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>Tasks of every tenant that failed for good (retries exhausted) at or after <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<DeadLetteredTask>> ListDeadLetteredTasksAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken = default);

    /// <summary>A named progress mark of the evaluator (how far it has looked), or null before the first.</summary>
    Task<DateTimeOffset?> GetWatermarkAsync(string name, CancellationToken cancellationToken = default);

    Task SetWatermarkAsync(string name, DateTimeOffset value, CancellationToken cancellationToken = default);
}

/// <summary>A notification rule (a row of <c>notification_rules</c>).</summary>
/// <param name="WorkflowId">The workflow it watches, or null for every workflow of the tenant.</param>
/// <param name="Events">Any of <c>execution.failed</c>, <c>execution.succeeded</c>, <c>execution.slow</c>, <c>task.dead_lettered</c>.</param>
/// <param name="Channel"><c>webhook</c>, <c>email</c> or <c>in_app</c>.</param>
/// <param name="Target">The channel's settings as JSON text: <c>{"url"}</c>, <c>{"to", "credential", "from"}</c>, or <c>{}</c>.</param>
/// <param name="Secret">The encrypted HMAC secret of a signed webhook channel, else null.</param>
/// <param name="SlowThresholdMs">For <c>execution.slow</c>: the run time that counts as slow.</param>
public sealed record NotificationRuleRecord(
    Guid Id,
    string TenantId,
    string? WorkflowId,
    string Name,
    IReadOnlyList<string> Events,
    string Channel,
    string Target,
    byte[]? Secret,
    string? SecretKeyId,
    long? SlowThresholdMs,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One notification to deliver and its delivery log (a row of <c>notification_deliveries</c>).</summary>
/// <param name="DedupeKey">Unique: <c>rule:event:subject</c>, so a notification found twice is delivered once.</param>
/// <param name="Payload">The JSON document sent (webhook body, e-mail text, inbox item).</param>
/// <param name="Status"><c>pending</c>, <c>sending</c>, <c>delivered</c> or <c>failed</c> (retries exhausted).</param>
public sealed record NotificationDeliveryRecord(
    Guid Id,
    string TenantId,
    Guid RuleId,
    string Event,
    Guid? ExecutionId,
    string DedupeKey,
    string Channel,
    string Payload,
    string Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt);

/// <summary>Filters for the delivery log.</summary>
public sealed record DeliveryQuery(string TenantId, Guid? RuleId = null, string? Status = null, Guid? ExecutionId = null, int Limit = 50);

/// <summary>An in-app notification (a row of <c>notification_inbox</c>).</summary>
public sealed record InboxItemRecord(
    Guid Id,
    string TenantId,
    Guid RuleId,
    Guid DeliveryId,
    string Event,
    string Title,
    string Payload,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt);

/// <summary>A task that failed for good, with the execution it belongs to.</summary>
public sealed record DeadLetteredTask(
    Guid TaskId, Guid ExecutionId, string TenantId, string WorkflowId, string StepKey, int Attempts, string? Error, DateTimeOffset FailedAt);
