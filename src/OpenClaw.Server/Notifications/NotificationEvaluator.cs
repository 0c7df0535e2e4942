using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Server.Notifications;

/// <summary>
/// Finds what the rules ask to be told about and queues one delivery per rule and occurrence.
/// </summary>
/// <remarks>
/// <para>Durability without touching the engine's commit: the evaluator reads committed rows (executions by completion
/// time, failed tasks by completion time) from a watermark kept in the database, and queues deliveries whose dedupe key
/// (<c>rule:event:subject</c>) is unique. A crash before the watermark moves means the same rows are read again and the
/// key drops the repeats: at-least-once evaluation, exactly one delivery row. Each pass also re-reads
/// <see cref="NotificationOptions.ScanOverlap"/> before the watermark, for completions another process committed late.</para>
/// <para>Local completions wake it at once; otherwise it looks every <see cref="NotificationOptions.EvaluateInterval"/>.</para>
/// </remarks>
internal sealed partial class NotificationEvaluator(
    INotificationStore store, NotificationRuleCache rulesCache, ExecutionEventHub hub, NotificationSignal signal, IOptions<NotificationOptions> options, TimeProvider time,
    ILogger<NotificationEvaluator> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private const string FinishedMark = "executions.finished";
    private const string DeadLetterMark = "tasks.dead_lettered";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var completions = hub.Subscribe(capacity: 1);
        _ = WakeOnCompletionsAsync(completions, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await EvaluateOnceAsync(stoppingToken).ConfigureAwait(false))
                {
                    // A full batch: there is more to read.
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogEvaluationFailed(ex);
            }
            try
            {
                await signal.Evaluate.WaitAsync(options.Value.EvaluateInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WakeOnCompletionsAsync(ExecutionEventHub.Subscription completions, CancellationToken ct)
    {
        try
        {
            await foreach (var @event in completions.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (@event is ExecutionFinishedEvent) signal.Evaluate.Set();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>One pass over everything new since the watermarks.</summary>
    /// <returns>Whether a read filled its batch (look again at once).</returns>
    internal async Task<bool> EvaluateOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var rules = await rulesCache.GetEnabledAsync(ct).ConfigureAwait(false);
        var finishedMark = await store.GetWatermarkAsync(FinishedMark, ct).ConfigureAwait(false);
        var deadMark = await store.GetWatermarkAsync(DeadLetterMark, ct).ConfigureAwait(false);
        if (rules.Count == 0 || finishedMark is null || deadMark is null)
        {
            // Nothing to tell anyone: only move the marks, so a rule made later starts from about now, not from history.
            await store.SetWatermarkAsync(FinishedMark, now - o.ScanOverlap, ct).ConfigureAwait(false);
            await store.SetWatermarkAsync(DeadLetterMark, now - o.ScanOverlap, ct).ConfigureAwait(false);
            if (rules.Count == 0) return false;
            finishedMark ??= now - o.ScanOverlap;
            deadMark ??= now - o.ScanOverlap;
        }

        var deliveries = new List<NotificationDeliveryRecord>();
        var finished = await store.ListFinishedExecutionsAsync(finishedMark.Value - o.ScanOverlap, BatchSize, ct).ConfigureAwait(false);
        foreach (var execution in finished)
        {
            foreach (var rule in rules.Where(r => Matches(r, execution.TenantId, execution.WorkflowId, execution.CompletedAt!.Value)))
            {
                var @event = execution.Status switch
                {
                    ExecutionStatus.Failed => NotificationEvents.ExecutionFailed,
                    ExecutionStatus.Succeeded => NotificationEvents.ExecutionSucceeded,
                    _ => null,
                };
                if (@event is not null && rule.Events.Contains(@event)) deliveries.Add(Delivery(rule, @event, execution.Id, execution.Id.ToString(), NotificationPayloads.ForExecution(@event, rule, execution, now), now));
                if (IsSlow(rule, execution, now)) deliveries.Add(Delivery(rule, NotificationEvents.ExecutionSlow, execution.Id, execution.Id.ToString(), NotificationPayloads.ForExecution(NotificationEvents.ExecutionSlow, rule, execution, now), now));
            }
        }

        var slowRules = rules.Where(r => r.Events.Contains(NotificationEvents.ExecutionSlow) && r.SlowThresholdMs is not null).ToList();
        if (slowRules.Count > 0)
        {
            var shortest = TimeSpan.FromMilliseconds(slowRules.Min(r => r.SlowThresholdMs!.Value));
            foreach (var execution in await store.ListUnfinishedExecutionsAsync(now - shortest, BatchSize, ct).ConfigureAwait(false))
            {
                foreach (var rule in slowRules.Where(r => Matches(r, execution.TenantId, execution.WorkflowId, now) && IsSlow(r, execution, now)))
                    deliveries.Add(Delivery(rule, NotificationEvents.ExecutionSlow, execution.Id, execution.Id.ToString(), NotificationPayloads.ForExecution(NotificationEvents.ExecutionSlow, rule, execution, now), now));
            }
        }

        var dead = await store.ListDeadLetteredTasksAsync(deadMark.Value - o.ScanOverlap, BatchSize, ct).ConfigureAwait(false);
        foreach (var task in dead)
        {
            foreach (var rule in rules.Where(r => r.Events.Contains(NotificationEvents.TaskDeadLettered) && Matches(r, task.TenantId, task.WorkflowId, task.FailedAt)))
                deliveries.Add(Delivery(rule, NotificationEvents.TaskDeadLettered, task.ExecutionId, task.TaskId.ToString(), NotificationPayloads.ForTask(rule, task), now));
        }

        if (await store.EnqueueAsync(deliveries, ct).ConfigureAwait(false) > 0) signal.Deliver.Set();
        // Only after the deliveries are stored: a crash in between reads the same rows again.
        if (finished.Count > 0) await store.SetWatermarkAsync(FinishedMark, Max(finishedMark.Value, finished[^1].CompletedAt!.Value), ct).ConfigureAwait(false);
        if (dead.Count > 0) await store.SetWatermarkAsync(DeadLetterMark, Max(deadMark.Value, dead[^1].FailedAt), ct).ConfigureAwait(false);
        return finished.Count == BatchSize || dead.Count == BatchSize;
    }

    /// <summary>Same tenant, the rule's workflow (or any), and the occurrence is not older than the rule.</summary>
    private static bool Matches(NotificationRuleRecord rule, string tenantId, string workflowId, DateTimeOffset at) =>
        rule.TenantId == tenantId && (rule.WorkflowId is null || rule.WorkflowId == workflowId) && at >= rule.CreatedAt;

    private static bool IsSlow(NotificationRuleRecord rule, ExecutionRecord e, DateTimeOffset now) =>
        rule.Events.Contains(NotificationEvents.ExecutionSlow) && rule.SlowThresholdMs is { } threshold
        && ((e.CompletedAt ?? now) - (e.StartedAt ?? e.CreatedAt)).TotalMilliseconds > threshold;

    private static NotificationDeliveryRecord Delivery(
        NotificationRuleRecord rule, string @event, Guid? executionId, string subject, System.Text.Json.Nodes.JsonObject payload, DateTimeOffset now) =>
        new(Guid.CreateVersion7(), rule.TenantId, rule.Id, @event, executionId, $"{rule.Id:N}:{@event}:{subject}", rule.Channel, payload.ToJsonString(),
            "pending", 0, now, null, now, null);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Error, Message = "Evaluating notification rules failed; trying again")]
    private partial void LogEvaluationFailed(Exception exception);
}
