using System.Threading.Channels;
using Npgsql;
using OpenClaw.Core.Storage;
using OpenClaw.Storage.Postgres;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Postgres;

/// <summary>Wake-ups by LISTEN/NOTIFY: sent by whatever queues a task, delivered only on commit, and surviving a dropped connection.</summary>
#pragma warning disable CA1001 // The listener is disposed in IAsyncLifetime.DisposeAsync, which xunit calls after every test.
public sealed class PostgresQueueListenerTests : IAsyncLifetime
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    private readonly Channel<DateTimeOffset> _received = Channel.CreateUnbounded<DateTimeOffset>();
    private PostgresBackend? _backend;
    private PostgresQueueListener? _listener;

    private PostgresBackend Backend => _backend ?? throw new InvalidOperationException("Created in InitializeAsync.");

    private PostgresQueueListener Listener => _listener ?? throw new InvalidOperationException("Created in InitializeAsync.");

    private IExecutionStore Store => Backend.Executions;

    public async Task InitializeAsync()
    {
        if (PostgresTestServer.SkipReason is not null)
        {
            return;
        }

        _backend = await PostgresBackend.CreateAsync();
        _listener = new PostgresQueueListener(_backend.Database);
        _listener.TaskQueued += due => _received.Writer.TryWrite(due);
        await _listener.StartAsync(CancellationToken.None);
        await _listener.WaitUntilListeningAsync().WaitAsync(Delivery);

        // Connecting announces "look at the queue once" (notifications may have been missed before LISTEN).
        Assert.Equal(DateTimeOffset.MinValue, await NextAsync());
    }

    public async Task DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task Commit_QueuingATask_NotifiesWithTheEarliestDueTime()
    {
        var execution = Execution();
        await Store.CommitAsync([Create(
            execution,
            Step(execution, "later", runAt: T0.AddMinutes(5)),
            Step(execution, "soon", runAt: T0.AddSeconds(3)),
            Step(execution, "done", StepRunStatus.Succeeded, runAt: T0.AddSeconds(-9)))]);

        Assert.Equal(T0.AddSeconds(3), await NextAsync());
        await AssertQuietAsync();
    }

    [PostgresFact]
    public async Task Commit_RequeuingARetry_Notifies()
    {
        var execution = Execution();
        var step = Step(execution, "a", StepRunStatus.Running);
        await Store.CommitAsync([Create(execution, step)]);
        await AssertQuietAsync();

        await Store.CommitAsync([new ExecutionChange(execution with { Revision = 2 }, 1, [step with { Status = StepRunStatus.Queued, Attempt = 2, RunAt = T0.AddSeconds(30) }], [])]);

        Assert.Equal(T0.AddSeconds(30), await NextAsync());
    }

    [PostgresFact]
    public async Task Commit_WithoutQueuedTasks_SendsNothing()
    {
        var execution = Execution();
        await Store.CommitAsync([Create(execution, Step(execution, "w", StepRunStatus.Waiting), Step(execution, "s", StepRunStatus.Succeeded))]);
        await Store.CommitAsync([new ExecutionChange(execution with { Revision = 2, Status = ExecutionStatus.Succeeded }, 1, [], [])]);

        await AssertQuietAsync();
    }

    [PostgresFact]
    public async Task Commit_RolledBack_SendsNothing()
    {
        var existing = Execution(revision: 5);
        await Store.CommitAsync([Create(existing)]);
        var fresh = Execution();

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.CommitAsync(
            [Create(fresh, Step(fresh, "a")), new ExecutionChange(existing with { Revision = 6 }, 4, [], [])]));

        await AssertQuietAsync();
        Assert.Null(await Store.LoadAsync(fresh.Id));
    }

    [PostgresFact]
    public async Task RequeueExpired_NotifiesOnlyWhenATaskWentBack()
    {
        var execution = Execution();
        await Store.CommitAsync([Create(execution, Step(execution, "a"))]);
        Assert.Equal(T0, await NextAsync());
        await Store.ClaimAsync("w", 1, T0, TimeSpan.FromSeconds(30));

        Assert.Equal(0, await Store.RequeueExpiredAsync(T0.AddSeconds(1)));
        await AssertQuietAsync();

        Assert.Equal(1, await Store.RequeueExpiredAsync(T0.AddSeconds(2), ["w"]));
        Assert.Equal(T0.AddSeconds(2), await NextAsync());
    }

    [PostgresFact]
    public async Task Listener_ReconnectsAfterItsConnectionIsTerminated()
    {
        var first = Listener.BackendProcessId;
        Assert.NotEqual(0, first);

        await using (var admin = new NpgsqlConnection(Backend.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1);", admin);
            kill.Parameters.Add(new NpgsqlParameter<int> { TypedValue = first });
            Assert.Equal(true, await kill.ExecuteScalarAsync());
        }

        // Back and listening: it says so with a "look at the queue" wake-up, then delivers as before.
        Assert.Equal(DateTimeOffset.MinValue, await NextAsync());
        Assert.True(Listener.IsListening);
        Assert.Equal(2, Listener.ConnectCount);
        Assert.NotEqual(first, Listener.BackendProcessId);

        var execution = Execution();
        await Store.CommitAsync([Create(execution, Step(execution, "a", runAt: T0.AddSeconds(1)))]);
        Assert.Equal(T0.AddSeconds(1), await NextAsync());
    }

    [PostgresFact]
    public async Task WaitAsync_CompletesAtTheNextNotification()
    {
        var wait = Listener.WaitAsync();
        Assert.False(wait.IsCompleted);

        var execution = Execution();
        await Store.CommitAsync([Create(execution, Step(execution, "a"))]);

        await wait.WaitAsync(Delivery);
    }

    [PostgresFact]
    public async Task Stop_ClosesTheConnection()
    {
        await Listener.StopAsync(CancellationToken.None);

        Assert.False(Listener.IsListening);
        await using var admin = new NpgsqlConnection(Backend.ConnectionString);
        await admin.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'OpenClaw listener';", admin);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [PostgresFact]
    public async Task ExecutionChanges_OfABigCommitAndOfAClaim_AreEachAnnounced()
    {
        // A node that follows execution changes (an api node serving live views and sync webhooks).
        var options = PostgresBackend.Options(Backend.ConnectionString);
        options.ListenForExecutionChanges = true;
        await using var database = await PostgresDatabase.OpenAsync(options, logger: null);
        await using var follower = new PostgresQueueListener(database);
        var changed = Channel.CreateUnbounded<Guid>();
        follower.ExecutionChanged += id => changed.Writer.TryWrite(id);
        await follower.StartAsync(CancellationToken.None);
        await follower.WaitUntilListeningAsync().WaitAsync(Delivery);
        Assert.Equal(Guid.Empty, await ReadAsync(changed));

        // More executions than one notification carries (200 ids each).
        var executions = Enumerable.Range(0, 450).Select(_ => Execution()).ToList();
        await Store.CommitAsync([.. executions.Select(e => Create(e, Step(e, "a", runAt: T0)))]);
        var announced = new HashSet<Guid>();
        while (announced.Count < executions.Count) announced.Add(await ReadAsync(changed));
        Assert.Equal(executions.Select(e => e.Id).ToHashSet(), announced);

        // Claiming steps announces their executions too (live views show the steps start).
        var claimed = await Store.ClaimAsync("node-1", 3, T0.AddSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(3, claimed.Count);
        var claimedExecutions = new HashSet<Guid>();
        while (claimedExecutions.Count < 3) claimedExecutions.Add(await ReadAsync(changed));
        Assert.Equal(claimed.Select(c => c.Step.ExecutionId).ToHashSet(), claimedExecutions);

        // So does claiming a task under a concurrency limit (admitted under the tenant's lock, another statement).
        var limited = Execution(tenantId: "limited");
        await Store.CommitAsync([Create(limited, Step(limited, "only", runAt: T0) with { Gate = new ConcurrencyGate(limited.WorkflowId, null, 1) })]);
        Assert.Equal(limited.Id, await ReadAsync(changed));
        var admitted = await Store.ClaimAsync("node-1", 1000, T0.AddSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Contains(admitted, c => c.Step.ExecutionId == limited.Id);
        var announcedAfterClaim = new HashSet<Guid>();
        while (!announcedAfterClaim.Contains(limited.Id)) announcedAfterClaim.Add(await ReadAsync(changed));
    }

    private static async Task<Guid> ReadAsync(Channel<Guid> channel)
    {
        using var timeout = new CancellationTokenSource(Delivery);
        return await channel.Reader.ReadAsync(timeout.Token);
    }

    private async Task<DateTimeOffset> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Delivery);
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    private async Task AssertQuietAsync()
    {
        await Task.Delay(Quiet);
        Assert.False(_received.Reader.TryRead(out var unexpected), $"Unexpected notification (due {unexpected:O}).");
    }
}
#pragma warning restore CA1001
