using System.Collections.Concurrent;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every backend's scheduler storage must do: pauses and gates honoured by the claim, slots, fire claims, dead letters.</summary>
public abstract class SchedulerStoreConformanceTests : StorageConformanceTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Claim_SkipsPausedQueues_AndNextDueIgnoresThem_UntilResumed()
    {
        var execution = Execution();
        var paused = Step(execution, "paused") with { Queue = "reports" };
        var other = Step(execution, "other");
        await Backend.Executions.CommitAsync([Create(execution, paused, other)]);

        Assert.True(await Backend.Queues.SetPausedAsync("default", "reports", true, T0));
        Assert.False(await Backend.Queues.SetPausedAsync("default", "reports", true, T0));
        Assert.Equal("other", Assert.Single(await Backend.Executions.ClaimAsync("w", 10, T0, Lease)).Step.StepKey);
        Assert.Null(await Backend.Executions.NextDueAsync());
        var queues = await Backend.Queues.ListQueuesAsync("default", T0);
        var reports = Assert.Single(queues, q => q.Name == "reports");
        Assert.True(reports.Paused);
        Assert.Equal(1, reports.Depth[TaskPriority.Normal]);
        Assert.Equal(new PausedQueue("default", "reports", T0), Assert.Single(await Backend.Queues.ListPausedAsync()));
        // Another tenant's queue of the same name is not paused.
        Assert.Empty(await Backend.Queues.ListQueuesAsync("other-tenant", T0) is var theirs && theirs.Any(q => q.Paused) ? theirs : []);

        Assert.True(await Backend.Queues.SetPausedAsync("default", "reports", false, T0));
        Assert.Equal("paused", Assert.Single(await Backend.Executions.ClaimAsync("w", 10, T0, Lease)).Step.StepKey);
    }

    [Fact]
    public async Task GatedTasks_AreAdmittedUpToTheWorkflowLimit_AndASlotIsReleasedWhenItsExecutionFinishes()
    {
        var gate = new ConcurrencyGate("wf", 2, null);
        var executions = Enumerable.Range(0, 4).Select(_ => Execution()).ToList();
        var steps = executions.Select(e => Step(e, "only") with { Gate = gate }).ToList();
        await Backend.Executions.CommitAsync([.. executions.Select((e, i) => Create(e, steps[i]))]);

        var first = await Backend.Executions.ClaimAsync("w", 10, T0, Lease);
        Assert.Equal(2, first.Count);
        Assert.Empty(await Backend.Executions.ClaimAsync("w", 10, T0, Lease));
        Assert.Null(await Backend.Executions.NextDueAsync());

        // One finishes: its slot goes in the same commit, and one more is admitted.
        var done = first[0].Step;
        var stored = executions.Single(e => e.Id == done.ExecutionId);
        var finished = stored with { Status = ExecutionStatus.Succeeded, Revision = stored.Revision + 1, CompletedAt = T0 };
        await Backend.Executions.CommitAsync([new ExecutionChange(finished, stored.Revision, [done with { Status = StepRunStatus.Succeeded, Gate = null }], []) { ReleasesSlot = true }]);
        Assert.Single(await Backend.Executions.ClaimAsync("w", 10, T0, Lease));
        Assert.Empty(await Backend.Executions.ClaimAsync("w", 10, T0, Lease));
    }

    [Fact]
    public async Task GatedTasks_OfAnAdmittedExecution_RunBeyondTheLimit()
    {
        var gate = new ConcurrencyGate("wf", 1, null);
        var execution = Execution();
        await Backend.Executions.CommitAsync([Create(execution, Step(execution, "a") with { Gate = gate }, Step(execution, "b") with { Gate = gate })]);

        Assert.Equal(2, (await Backend.Executions.ClaimAsync("w", 10, T0, Lease)).Count);
    }

    [Fact]
    public async Task TheTenantLimit_CountsEveryWorkflowOfTheTenant_AndNoOtherTenant()
    {
        var executions = new List<ExecutionRecord>();
        var changes = new List<ExecutionChange>();
        foreach (var (tenant, workflow) in new[] { ("t1", "a"), ("t1", "b"), ("t1", "c"), ("t2", "a") })
        {
            var execution = Execution() with { TenantId = tenant, WorkflowId = workflow };
            executions.Add(execution);
            changes.Add(Create(execution, Step(execution, "only") with { Gate = new ConcurrencyGate(workflow, null, 2) }));
        }
        await Backend.Executions.CommitAsync(changes);

        var claimed = await Backend.Executions.ClaimAsync("w", 10, T0, Lease);
        Assert.Equal(2, claimed.Count(c => c.Step.TenantId == "t1"));
        Assert.Equal(1, claimed.Count(c => c.Step.TenantId == "t2"));
    }

    [Fact]
    public async Task ConcurrentClaimers_OnTwoConnections_NeverAdmitPastTheLimit()
    {
        var gate = new ConcurrencyGate("wf", 3, null);
        var executions = Enumerable.Range(0, 40).Select(_ => Execution()).ToList();
        await Backend.Executions.CommitAsync([.. executions.Select(e => Create(e, Step(e, "only") with { Gate = gate }))]);
        await using var peer = await Backend.OpenPeerAsync();

        var claimed = new ConcurrentBag<ClaimedTask>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? Backend.Executions : peer.Executions;
            foreach (var task in await store.ClaimAsync($"w{i}", 2, T0, Lease)) claimed.Add(task);
        })));

        Assert.Equal(3, claimed.Count);
        Assert.Equal(3, claimed.Select(c => c.Step.ExecutionId).Distinct().Count());
    }

    [Fact]
    public async Task AFireTime_IsClaimedByOneCommitOnly()
    {
        var schedule = Schedule(T0);
        await Backend.Schedules.CreateAsync(schedule);
        var first = Execution();
        var second = Execution();

        await Backend.Executions.CommitAsync([Create(first, Step(first, "s")) with { Fire = new ScheduleFire(schedule.Id, T0, T0.AddMinutes(1)) }]);
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Backend.Executions.CommitAsync([Create(second, Step(second, "s")) with { Fire = new ScheduleFire(schedule.Id, T0, T0.AddMinutes(1)) }]));

        Assert.Equal(second.Id, conflict.ExecutionId);
        Assert.Null(await Backend.Executions.LoadAsync(second.Id));
        var stored = await Backend.Schedules.GetAsync("default", schedule.Id);
        Assert.Equal(T0.AddMinutes(1), stored!.NextFireAt);
        Assert.Equal(T0, stored.LastFireAt);
        Assert.False(await Backend.Schedules.AdvanceAsync(schedule.Id, T0, T0.AddHours(1)));
        Assert.True(await Backend.Schedules.AdvanceAsync(schedule.Id, T0.AddMinutes(1), T0.AddHours(1)));
    }

    [Fact]
    public async Task Schedules_CrudDueListAndTenantScoping()
    {
        var due = await Backend.Schedules.CreateAsync(Schedule(T0));
        var later = await Backend.Schedules.CreateAsync(Schedule(T0.AddHours(1)) with { CreatedAt = T0.AddSeconds(1) });
        var paused = await Backend.Schedules.CreateAsync(Schedule(null) with { Enabled = false, CreatedAt = T0.AddSeconds(2) });
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Backend.Schedules.CreateAsync(due));

        Assert.Equal([due.Id], (await Backend.Schedules.ListDueAsync(T0, 10)).Select(s => s.Id));
        Assert.Equal(T0, await Backend.Schedules.NextFireAsync());
        var read = await Backend.Schedules.GetAsync("default", due.Id);
        Assert.Equal(due with { Inputs = default }, read! with { Inputs = default });
        Assert.Equal("""{"n":1}""", read.Inputs.GetRawText());
        Assert.Null(await Backend.Schedules.GetAsync("other", due.Id));

        var page = await Backend.Schedules.ListAsync(new ScheduleQuery("default", Limit: 2));
        Assert.Equal([paused.Id, later.Id], page.Items.Select(s => s.Id));
        var rest = await Backend.Schedules.ListAsync(new ScheduleQuery("default", Limit: 2, Cursor: page.NextCursor));
        Assert.Equal([due.Id], rest.Items.Select(s => s.Id));

        var updated = await Backend.Schedules.UpdateAsync(due with { Cron = "*/5 * * * *", Enabled = false, NextFireAt = null, UpdatedAt = T0.AddMinutes(1) });
        Assert.Equal("*/5 * * * *", updated!.Cron);
        Assert.Empty(await Backend.Schedules.ListDueAsync(T0.AddDays(1), 10) is var d && d.Any(s => s.Id == due.Id) ? d : []);
        Assert.Null(await Backend.Schedules.UpdateAsync(due with { TenantId = "other" }));
        Assert.False(await Backend.Schedules.DeleteAsync("other", due.Id));
        Assert.True(await Backend.Schedules.DeleteAsync("default", due.Id));
        Assert.Null(await Backend.Schedules.GetAsync("default", due.Id));
    }

    [Fact]
    public async Task DeadLetters_AreFailedPluginTasksOfFailedExecutions_ListedInspectedAndDiscarded()
    {
        var failed = Execution() with { Status = ExecutionStatus.Failed, WorkflowId = "wf-a", CompletedAt = T0 };
        var letter = Step(failed, "call", StepRunStatus.Failed) with { Attempt = 2, Error = "boom", CompletedAt = T0.AddSeconds(5) };
        var handled = Step(failed, "handled", StepRunStatus.Failed) with { Next = ["cleanup"], CompletedAt = T0.AddSeconds(6) };
        var running = Execution() with { WorkflowId = "wf-b" };
        var pending = Step(running, "call", StepRunStatus.Failed) with { CompletedAt = T0.AddSeconds(7) };
        await Backend.Executions.CommitAsync([
            new ExecutionChange(failed, null, [letter, handled], [Attempt(letter, 1, StepRunStatus.Failed), Attempt(letter, 2, StepRunStatus.Failed)]),
            Create(running, pending)]);

        var listed = Assert.Single((await Backend.Queues.ListDeadLettersAsync(new DeadLetterQuery("default"))).Items);
        Assert.Equal(letter.Id, listed.TaskId);
        Assert.Equal("wf-a", listed.WorkflowId);
        Assert.Equal(2, listed.Attempts);
        Assert.Equal("boom", listed.Error);
        Assert.Empty((await Backend.Queues.ListDeadLettersAsync(new DeadLetterQuery("default", WorkflowId: "wf-b"))).Items);
        Assert.Empty((await Backend.Queues.ListDeadLettersAsync(new DeadLetterQuery("other"))).Items);

        var detail = await Backend.Queues.GetDeadLetterAsync("default", letter.Id);
        Assert.Equal([1, 2], detail!.Attempts.Select(a => a.Attempt));
        Assert.Equal(letter.Inputs!.Value.GetRawText(), detail.Inputs!.Value.GetRawText());
        Assert.Null(await Backend.Queues.GetDeadLetterAsync("other", letter.Id));
        Assert.Equal(1, (await Backend.Queues.GetStatisticsAsync("default", T0)).DeadLetters);

        Assert.False(await Backend.Queues.DiscardDeadLetterAsync("other", letter.Id, T0));
        Assert.True(await Backend.Queues.DiscardDeadLetterAsync("default", letter.Id, T0));
        Assert.Empty((await Backend.Queues.ListDeadLettersAsync(new DeadLetterQuery("default"))).Items);
        Assert.False(await Backend.Queues.DiscardDeadLetterAsync("default", letter.Id, T0));
    }

    private static ScheduleRecord Schedule(DateTimeOffset? next) => new(
        Guid.NewGuid(), "default", "wf", "* * * * *", "UTC", Json("""{"n":1}"""), TaskPriority.High, MisfirePolicies.FireOnce, true, next, null, T0, T0);
}
