using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every <see cref="IExecutionQueries"/> must do: execution detail, filters, paging, tenant isolation.</summary>
public abstract class ExecutionQueriesConformanceTests : StorageConformanceTests
{
    private IExecutionQueries Queries => Backend.Queries;

    private Task Commit(params ExecutionChange[] changes) => Backend.Executions.CommitAsync(changes);

    [Fact]
    public async Task Get_ReturnsTheExecutionWithStepsAndAttemptsInOrder()
    {
        var execution = Execution(status: ExecutionStatus.Failed) with { Error = "step b failed", CompletedAt = T0.AddMinutes(1) };
        var b = Step(execution, "b", StepRunStatus.Failed, createdAt: T0.AddSeconds(2)) with { Attempt = 2, Error = "boom" };
        var a = Step(execution, "a", StepRunStatus.Succeeded, createdAt: T0.AddSeconds(1));
        var c = Step(execution, "c", StepRunStatus.Skipped, createdAt: T0.AddSeconds(2));
        await Commit(new ExecutionChange(
            execution,
            null,
            [b, a, c],
            [Attempt(b, 2, StepRunStatus.Failed), Attempt(a, 1), Attempt(b, 1, StepRunStatus.Failed)]));

        var detail = await Queries.GetAsync("default", execution.Id);

        Assert.NotNull(detail);
        RecordAssert.Equal(execution, detail.Execution);
        RecordAssert.Equal([a, b, c], detail.Steps);
        RecordAssert.Equal([Attempt(a, 1), Attempt(b, 1, StepRunStatus.Failed), Attempt(b, 2, StepRunStatus.Failed)], detail.Attempts);
    }

    [Fact]
    public async Task Get_UnknownOrAnotherTenantsExecution_ReturnsNull()
    {
        var execution = Execution(tenantId: "t1");
        await Commit(Create(execution, Step(execution, "a")));

        Assert.Null(await Queries.GetAsync("t2", execution.Id));
        Assert.Null(await Queries.GetAsync("t1", Guid.NewGuid()));
        Assert.NotNull(await Queries.GetAsync("t1", execution.Id));
    }

    [Fact]
    public async Task List_PagesNewestFirstWithoutGapsOrRepeats()
    {
        var executions = Enumerable.Range(0, 23).Select(i => Execution(createdAt: T0.AddSeconds(i / 3))).ToList();
        await Commit([.. executions.Select(e => Create(e))]);

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await Queries.ListAsync(new ExecutionQuery("default", Limit: 5, Cursor: cursor));
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(page.Items.Select(e => e.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(23, seen.Count);
        Assert.Equal(executions.Select(e => e.Id).Order(), seen.Order());
        var created = executions.ToDictionary(e => e.Id, e => e.CreatedAt);
        Assert.Equal(seen.Select(id => created[id]).OrderDescending(), seen.Select(id => created[id]));
    }

    [Fact]
    public async Task List_NewerExecutionsDoNotDisturbLaterPages()
    {
        var executions = Enumerable.Range(0, 6).Select(i => Execution(createdAt: T0.AddSeconds(i))).ToList();
        await Commit([.. executions.Select(e => Create(e))]);

        var first = await Queries.ListAsync(new ExecutionQuery("default", Limit: 3));
        await Commit(Create(Execution(createdAt: T0.AddHours(1))));
        var second = await Queries.ListAsync(new ExecutionQuery("default", Limit: 3, Cursor: first.NextCursor));

        Assert.Equal(executions.Select(e => e.Id).Reverse(), first.Items.Concat(second.Items).Select(e => e.Id));
    }

    [Fact]
    public async Task List_FiltersCombine()
    {
        var match = Execution(workflowId: "orders", status: ExecutionStatus.Succeeded, createdAt: T0.AddMinutes(5), trigger: "webhook");
        await Commit(
            Create(match),
            Create(Execution(workflowId: "billing", status: ExecutionStatus.Succeeded, createdAt: T0.AddMinutes(5), trigger: "webhook")),
            Create(Execution(workflowId: "orders", status: ExecutionStatus.Failed, createdAt: T0.AddMinutes(5), trigger: "webhook")),
            Create(Execution(workflowId: "orders", status: ExecutionStatus.Succeeded, createdAt: T0.AddMinutes(5), trigger: "schedule")),
            Create(Execution(workflowId: "orders", status: ExecutionStatus.Succeeded, createdAt: T0.AddMinutes(50), trigger: "webhook")),
            Create(Execution(tenantId: "other", workflowId: "orders", status: ExecutionStatus.Succeeded, createdAt: T0.AddMinutes(5), trigger: "webhook")));

        var page = await Queries.ListAsync(new ExecutionQuery(
            "default", WorkflowId: "orders", Status: ExecutionStatus.Succeeded, Since: T0, Until: T0.AddMinutes(10), Trigger: "webhook"));

        var only = Assert.Single(page.Items);
        RecordAssert.Equal(match, only);
    }

    [Fact]
    public async Task List_EachFilterAlone()
    {
        var e1 = Execution(workflowId: "a", status: ExecutionStatus.Running, createdAt: T0, trigger: "api");
        var e2 = Execution(workflowId: "b", status: ExecutionStatus.Failed, createdAt: T0.AddMinutes(1), trigger: "cli");
        var e3 = Execution(workflowId: "a", status: ExecutionStatus.Failed, createdAt: T0.AddMinutes(2), trigger: "schedule");
        await Commit(Create(e1), Create(e2), Create(e3));

        async Task<IEnumerable<Guid>> Ids(ExecutionQuery query) => (await Queries.ListAsync(query)).Items.Select(e => e.Id);

        Assert.Equal([e3.Id, e1.Id], await Ids(new ExecutionQuery("default", WorkflowId: "a")));
        Assert.Equal([e3.Id, e2.Id], await Ids(new ExecutionQuery("default", Status: ExecutionStatus.Failed)));
        Assert.Equal([e2.Id], await Ids(new ExecutionQuery("default", Trigger: "cli")));
        Assert.Equal([e3.Id, e2.Id], await Ids(new ExecutionQuery("default", Since: T0.AddMinutes(1))));
        Assert.Equal([e1.Id], await Ids(new ExecutionQuery("default", Until: T0.AddMinutes(1))));
        Assert.Empty(await Ids(new ExecutionQuery("default", Status: ExecutionStatus.Cancelled)));
    }

    [Fact]
    public async Task List_IsScopedToTheTenant()
    {
        var mine = Execution(tenantId: "t1");
        await Commit(Create(mine), Create(Execution(tenantId: "t2")));

        var page = await Queries.ListAsync(new ExecutionQuery("t1"));

        Assert.Equal([mine.Id], page.Items.Select(e => e.Id));
        Assert.Empty((await Queries.ListAsync(new ExecutionQuery("t3"))).Items);
    }

    [Fact]
    public async Task List_RejectsABadCursorOrLimit()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Queries.ListAsync(new ExecutionQuery("default", Cursor: "%%%")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Queries.ListAsync(new ExecutionQuery("default", Limit: -1)));
    }

    [Fact]
    public async Task CountQueued_CountsQueuedTasksPerPriorityAcrossTenants_IncludingOnesNotYetDue()
    {
        var e1 = Execution(tenantId: "t1");
        var e2 = Execution(tenantId: "t2");
        await Commit(
            Create(
                e1,
                Step(e1, "a", priority: TaskPriority.High),
                Step(e1, "b", priority: TaskPriority.High, runAt: T0.AddDays(1)),
                Step(e1, "c", StepRunStatus.Running, priority: TaskPriority.High),
                Step(e1, "d", StepRunStatus.Succeeded, priority: TaskPriority.Low)),
            Create(e2, Step(e2, "a", priority: TaskPriority.Low), Step(e2, "b", StepRunStatus.Waiting)));

        var counts = await Queries.CountQueuedAsync();

        Assert.Equal(2, counts.Count);
        Assert.Equal(2, counts[TaskPriority.High]);
        Assert.Equal(1, counts[TaskPriority.Low]);
    }

    [Fact]
    public async Task CountQueued_EmptyQueue_ReturnsNoEntries()
    {
        Assert.Empty(await Queries.CountQueuedAsync());
    }
}
