using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Workers;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Runtime.Tests;

/// <summary>A batch that loses an optimistic-concurrency race is applied again from scratch, and leaves nothing behind.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Batch_retried_after_a_conflict_still_starts_the_execution_and_releases_its_reservations()
    {
        var store = (ConflictOnceStore?)null;
        await using var runtime = await RuntimeFixture.StartAsync(services: s => s.AddSingleton<IExecutionStore>(sp =>
            store = new ConflictOnceStore(new SqliteExecutionStore(sp.GetRequiredService<SqliteDatabase>()))));
        await runtime.AddWorkflowAsync("""
            id: simple
            name: simple
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, next_steps: [b] }
              - { id: b, type: plugin, config: { plugin: noop } }
            """);

        var run = await runtime.RunAsync("simple", deadline: TimeSpan.FromSeconds(15));

        Assert.Equal(1, store!.Conflicts);
        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(["a", "b"], run.Steps.Select(s => s.StepKey));
        var pool = runtime.Services.GetRequiredService<WorkerPool>();
        await Wait.UntilAsync(() => pool.Busy == 0, "every worker slot to be released");
    }

    [Fact]
    public async Task Event_that_cannot_be_committed_fails_alone_not_with_the_events_batched_with_it()
    {
        var store = (PoisonStore?)null;
        await using var runtime = await RuntimeFixture.StartAsync(services: s => s.AddSingleton<IExecutionStore>(sp =>
            store = new PoisonStore(new SqliteExecutionStore(sp.GetRequiredService<SqliteDatabase>()), "poison")));
        const string Steps = """
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """;
        await runtime.AddWorkflowAsync("id: fine\nname: fine\n" + Steps);
        await runtime.AddWorkflowAsync("id: poison\nname: poison\n" + Steps);

        // Hold the coordinator in a commit so the next two starts queue up and are applied as one batch.
        var release = store!.HoldNextCommit();
        Task<Guid> warmUp, poisoned, healthy;
        try
        {
            warmUp = runtime.StartExecutionAsync("fine");
            await Wait.UntilAsync(() => store.Holding, "the first start's commit to be held");
            poisoned = runtime.StartExecutionAsync("poison");
            healthy = runtime.StartExecutionAsync("fine");
            await Wait.UntilAsync(() => runtime.Coordinator.PendingEvents == 2, "both starts to wait for the coordinator");
        }
        finally
        {
            release.TrySetResult();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => poisoned);
        Assert.Equal("rows for workflow 'poison' are refused", error.Message);
        var run = await runtime.WaitAsync(await healthy);
        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(ExecutionStatus.Succeeded, (await runtime.WaitAsync(await warmUp)).Execution.Status);
        Assert.Equal(2, store.LargestRefusedBatch);
    }

    /// <summary>Refuses every commit that writes rows of one workflow's executions; can hold one commit until released.</summary>
    [Fact]
    public async Task ResultWaitingForItsCommit_KeepsItsLease_SoTheStepRunsOnce()
    {
        GatedResultStore? store = null;
        var record = new RecordPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([record], o =>
        {
            o.LeaseDuration = TimeSpan.FromSeconds(1);
            o.LeaseRenewInterval = TimeSpan.FromMilliseconds(100);
            o.ReaperInterval = TimeSpan.FromMilliseconds(100);
        }, services: s => s.AddSingleton<IExecutionStore>(sp =>
            store = new GatedResultStore(new SqliteExecutionStore(sp.GetRequiredService<SqliteDatabase>()), "held")));
        await runtime.AddWorkflowAsync("""
            id: lease-held
            name: lease-held
            steps:
              - { id: held, type: plugin, config: { plugin: record, inputs: { name: held } } }
            """);

        var id = await runtime.StartExecutionAsync("lease-held");
        // The step has run and its result waits behind the held commit: its lease must keep being renewed well past
        // the 1 s it was first granted, or the reaper hands the step to a worker again.
        await Wait.UntilAsync(() => store!.RenewalsOfHeldStep >= 15, "the held step's lease to be renewed past its first expiry");
        store!.Open();
        var done = await runtime.WaitAsync(id);

        Assert.Equal(ExecutionStatus.Succeeded, done.Execution.Status);
        Assert.Equal(1, Assert.Single(record.Keys).Value);
        Assert.Single(done.Attempts);
    }

    /// <summary>Holds back the commit of a named step's success until opened; counts renewals of that step's lease.</summary>
    private sealed class GatedResultStore(IExecutionStore inner, string stepId) : DelegatingStore(inner)
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Guid _taskId;
        private int _renewals;

        public int RenewalsOfHeldStep => Volatile.Read(ref _renewals);

        public void Open() => _gate.TrySetResult();

        public override async Task CommitAsync(IReadOnlyList<ExecutionChange> changes, CancellationToken cancellationToken = default)
        {
            var held = changes.SelectMany(c => c.Steps).FirstOrDefault(s => s.StepId == stepId);
            if (held is not null) _taskId = held.Id;
            if (held?.Status == StepRunStatus.Succeeded) await _gate.Task.WaitAsync(cancellationToken);
            await base.CommitAsync(changes, cancellationToken);
        }

        public override Task<IReadOnlyList<Guid>> RenewLeasesAsync(string owner, IReadOnlyCollection<Guid> taskIds, DateTimeOffset until, CancellationToken cancellationToken = default)
        {
            if (taskIds.Contains(_taskId)) Interlocked.Increment(ref _renewals);
            return base.RenewLeasesAsync(owner, taskIds, until, cancellationToken);
        }
    }

    private sealed class PoisonStore(IExecutionStore inner, string workflowId) : DelegatingStore(inner)
    {
        private TaskCompletionSource? _hold;
        private volatile bool _holding;

        public int LargestRefusedBatch { get; private set; }

        public bool Holding => _holding;

        public TaskCompletionSource HoldNextCommit() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task CommitAsync(IReadOnlyList<ExecutionChange> changes, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                _holding = true;
                await hold.Task;
                _holding = false;
            }
            if (changes.Any(c => c.Execution.WorkflowId == workflowId))
            {
                LargestRefusedBatch = Math.Max(LargestRefusedBatch, changes.Count);
                throw new InvalidOperationException($"rows for workflow '{workflowId}' are refused");
            }
            await base.CommitAsync(changes, cancellationToken);
        }
    }

    /// <summary>Fails the first commit that inserts a new execution as if another node had inserted it first; nothing is written.</summary>
    private sealed class ConflictOnceStore(IExecutionStore inner) : DelegatingStore(inner)
    {
        private int _conflicts;

        public int Conflicts => Volatile.Read(ref _conflicts);

        public override Task CommitAsync(IReadOnlyList<ExecutionChange> changes, CancellationToken cancellationToken = default)
        {
            var inserted = changes.FirstOrDefault(c => c.ExpectedRevision is null);
            if (inserted is not null && Interlocked.CompareExchange(ref _conflicts, 1, 0) == 0)
                throw new ConcurrencyConflictException(inserted.Execution.Id);
            return base.CommitAsync(changes, cancellationToken);
        }
    }

    /// <summary>Passes every call to the real store; tests override what they break.</summary>
    private abstract class DelegatingStore(IExecutionStore inner) : IExecutionStore
    {
        public virtual Task CommitAsync(IReadOnlyList<ExecutionChange> changes, CancellationToken cancellationToken = default) =>
            inner.CommitAsync(changes, cancellationToken);

        public Task<ExecutionSnapshot?> LoadAsync(Guid executionId, CancellationToken cancellationToken = default) => inner.LoadAsync(executionId, cancellationToken);

        public Task<IReadOnlyList<ClaimedTask>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
            inner.ClaimAsync(owner, max, now, lease, cancellationToken);

        public virtual Task<IReadOnlyList<Guid>> RenewLeasesAsync(string owner, IReadOnlyCollection<Guid> taskIds, DateTimeOffset until, CancellationToken cancellationToken = default) =>
            inner.RenewLeasesAsync(owner, taskIds, until, cancellationToken);

        public Task<int> RequeueExpiredAsync(DateTimeOffset now, IReadOnlyCollection<string>? ownersToRelease = null, CancellationToken cancellationToken = default) =>
            inner.RequeueExpiredAsync(now, ownersToRelease, cancellationToken);

        public Task<int> ReleaseAllLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
            inner.ReleaseAllLeasesAsync(now, cancellationToken);

        public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => inner.NextDueAsync(cancellationToken);

        public Task<IReadOnlyList<Guid>> ListUnfinishedAsync(CancellationToken cancellationToken = default) => inner.ListUnfinishedAsync(cancellationToken);
    }
}
