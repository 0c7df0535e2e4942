using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>
/// What every <see cref="INotificationStore"/> must do: rules per tenant, deliveries deduplicated by key and leased once,
/// an inbox read per tenant, and the evaluator's reads over finished executions and dead-lettered tasks.
/// </summary>
public abstract class NotificationStoreConformanceTests : StorageConformanceTests
{
    private INotificationStore Store => Backend.Notifications;

    private static NotificationRuleRecord Rule(string tenantId = "default", bool enabled = true) =>
        new(Guid.NewGuid(), tenantId, "wf", "on failure", ["execution.failed", "execution.slow"], "webhook", """{"url":"http://127.0.0.1:1/hook"}""",
            [7, 7, 7], "k1", 5_000, enabled, T0, T0);

    private static NotificationDeliveryRecord Delivery(Guid ruleId, string dedupe, string tenantId = "default", DateTimeOffset? due = null) =>
        new(Guid.NewGuid(), tenantId, ruleId, "execution.failed", Guid.NewGuid(), dedupe, "webhook", """{"event":"execution.failed"}""", "pending", 0,
            due ?? T0, null, T0, null);

    [Fact]
    public async Task Rules_CreateGetUpdateDelete_StayInTheirTenant()
    {
        var rule = await Store.CreateRuleAsync(Rule());
        await Store.CreateRuleAsync(Rule(tenantId: "t2", enabled: false));

        var read = await Store.GetRuleAsync("default", rule.Id);
        Assert.NotNull(read);
        Assert.Equal(rule.Events, read.Events);
        Assert.Equal(rule.Secret, read.Secret);
        Assert.Equal(5_000, read.SlowThresholdMs);
        Assert.Null(await Store.GetRuleAsync("t2", rule.Id));
        Assert.Single(await Store.ListEnabledRulesAsync());

        var updated = await Store.UpdateRuleAsync(rule with { WorkflowId = null, Events = ["task.dead_lettered"], Secret = null, SecretKeyId = null, SlowThresholdMs = null, UpdatedAt = T0.AddSeconds(1) });
        Assert.NotNull(updated);
        Assert.Null(updated.WorkflowId);
        Assert.Equal(["task.dead_lettered"], updated.Events);
        Assert.Null(updated.Secret);
        Assert.Null(await Store.UpdateRuleAsync(rule with { TenantId = "t2" }));

        Assert.False(await Store.DeleteRuleAsync("t2", rule.Id));
        Assert.True(await Store.DeleteRuleAsync("default", rule.Id));
        Assert.Empty(await Store.ListRulesAsync("default"));
    }

    [Fact]
    public async Task Enqueue_SkipsKnownDedupeKeys_AndClaimLeasesEachDueDeliveryOnce()
    {
        var rule = Guid.NewGuid();
        Assert.Equal(3, await Store.EnqueueAsync([Delivery(rule, "a"), Delivery(rule, "b"), Delivery(rule, "later", due: T0.AddHours(1))]));
        Assert.Equal(0, await Store.EnqueueAsync([Delivery(rule, "a"), Delivery(rule, "b")]));

        var first = await Store.ClaimDueAsync("node-1", T0, T0.AddMinutes(1), 10);
        var second = await Store.ClaimDueAsync("node-2", T0, T0.AddMinutes(1), 10);

        Assert.Equal(["a", "b"], first.Select(d => d.DedupeKey).Order().ToArray());
        Assert.All(first, d => Assert.Equal("sending", d.Status));
        Assert.Empty(second);

        // An expired lease (the node died mid-delivery) is claimed again.
        var retaken = await Store.ClaimDueAsync("node-2", T0.AddMinutes(2), T0.AddMinutes(3), 10);
        Assert.Equal(2, retaken.Count);

        var done = retaken[0] with { Status = "delivered", Attempts = 1, DeliveredAt = T0.AddMinutes(2) };
        await Store.UpdateDeliveryAsync(done);
        var failed = retaken[1] with { Status = "pending", Attempts = 1, LastError = "HTTP 500", NextAttemptAt = T0.AddMinutes(10) };
        await Store.UpdateDeliveryAsync(failed);

        Assert.Empty(await Store.ClaimDueAsync("node-3", T0.AddMinutes(5), T0.AddMinutes(6), 10));
        var log = await Store.ListDeliveriesAsync(new DeliveryQuery("default"));
        Assert.Equal(3, log.Count);
        Assert.Equal(T0.AddMinutes(2), Assert.Single(log, d => d.Status == "delivered").DeliveredAt);
        Assert.Equal("HTTP 500", Assert.Single(await Store.ListDeliveriesAsync(new DeliveryQuery("default", Status: "pending", ExecutionId: failed.ExecutionId))).LastError);
        Assert.Empty(await Store.ListDeliveriesAsync(new DeliveryQuery("t2")));
    }

    [Fact]
    public async Task Inbox_AddsOncePerDelivery_AndMarksReadInItsTenant()
    {
        var item = new InboxItemRecord(Guid.NewGuid(), "default", Guid.NewGuid(), Guid.NewGuid(), "execution.failed", "wf failed", """{"a":1}""", T0, null);
        await Store.AddInboxItemAsync(item);
        await Store.AddInboxItemAsync(item with { Id = Guid.NewGuid() });

        Assert.Single(await Store.ListInboxAsync("default", unreadOnly: true, 10));
        Assert.False(await Store.MarkReadAsync("t2", item.Id, T0));
        Assert.True(await Store.MarkReadAsync("default", item.Id, T0.AddSeconds(5)));
        Assert.True(await Store.MarkReadAsync("default", item.Id, T0.AddSeconds(9)));
        Assert.Empty(await Store.ListInboxAsync("default", unreadOnly: true, 10));
        Assert.Equal(T0.AddSeconds(5), Assert.Single(await Store.ListInboxAsync("default", unreadOnly: false, 10)).ReadAt);
    }

    [Fact]
    public async Task EvaluatorReads_FindFinishedAndUnfinishedExecutions_AndFailedTasks()
    {
        var running = Execution(createdAt: T0);
        var finished = Execution(createdAt: T0) with { Status = ExecutionStatus.Failed, CompletedAt = T0.AddSeconds(30), Error = "boom" };
        var failedStep = Step(finished, "fetch", StepRunStatus.Failed) with { CompletedAt = T0.AddSeconds(29), Error = "HTTP 500", Attempt = 3 };
        await Backend.Executions.CommitAsync([Create(running), Create(finished, failedStep, Step(finished, "other", StepRunStatus.Succeeded) with { CompletedAt = T0.AddSeconds(29) })]);

        Assert.Equal(finished.Id, Assert.Single(await Store.ListFinishedExecutionsAsync(T0.AddSeconds(30), 10)).Id);
        Assert.Empty(await Store.ListFinishedExecutionsAsync(T0.AddSeconds(31), 10));
        Assert.Equal(running.Id, Assert.Single(await Store.ListUnfinishedExecutionsAsync(T0.AddSeconds(1), 10)).Id);
        Assert.Empty(await Store.ListUnfinishedExecutionsAsync(T0, 10));

        var dead = Assert.Single(await Store.ListDeadLetteredTasksAsync(T0, 10));
        Assert.Equal((failedStep.Id, finished.Id, "wf", "fetch", 3, "HTTP 500"), (dead.TaskId, dead.ExecutionId, dead.WorkflowId, dead.StepKey, dead.Attempts, dead.Error));
    }

    [Fact]
    public async Task Watermarks_StartEmpty_AndKeepTheLastValue()
    {
        Assert.Null(await Store.GetWatermarkAsync("finished"));
        await Store.SetWatermarkAsync("finished", T0);
        await Store.SetWatermarkAsync("finished", T0.AddSeconds(3));
        Assert.Equal(T0.AddSeconds(3), await Store.GetWatermarkAsync("finished"));
    }
}
