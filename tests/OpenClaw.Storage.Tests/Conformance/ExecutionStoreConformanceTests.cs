using System.Collections.Concurrent;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every <see cref="IExecutionStore"/> must do: transactional group commits, revision checks and the lease queue.</summary>
public abstract class ExecutionStoreConformanceTests : StorageConformanceTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IExecutionStore Store => Backend.Executions;

    [Fact]
    public async Task Load_UnknownExecution_ReturnsNull()
    {
        Assert.Null(await Store.LoadAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Commit_NewExecution_InsertsExecutionAndSteps()
    {
        var execution = Execution() with
        {
            ParentExecutionId = Guid.NewGuid(),
            ParentStepKey = "parent/sub",
            CreatedBy = Guid.NewGuid(),
            Priority = TaskPriority.High,
            Trigger = "webhook",
        };
        var first = Step(execution, "fetch");
        var second = Step(execution, "each[3]/fetch", StepRunStatus.Waiting, createdAt: T0.AddMilliseconds(1)) with
        {
            ScopeKey = "each[3]",
            StepType = "loop",
            PluginName = null,
            State = Json("""{"done":[0,1,2]}"""),
            Next = ["a", "b"],
        };

        await Store.CommitAsync([Create(execution, first, second)]);

        var snapshot = await Store.LoadAsync(execution.Id);
        Assert.NotNull(snapshot);
        RecordAssert.Equal(execution, snapshot.Execution);
        RecordAssert.Equal([first, second], snapshot.Steps);
    }

    [Fact]
    public async Task Commit_KeepsTheTraceParentAndRetryOfThroughLaterTransitions()
    {
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var retryOf = Guid.NewGuid();
        var execution = Execution() with { TraceParent = traceParent, RetryOf = retryOf };
        await Store.CommitAsync([Create(execution)]);
        var moved = execution with { Status = ExecutionStatus.Succeeded, Revision = execution.Revision + 1, CompletedAt = T0.AddSeconds(5) };

        await Store.CommitAsync([new ExecutionChange(moved, execution.Revision, [], [])]);

        var loaded = (await Store.LoadAsync(execution.Id))!.Execution;
        var queried = (await Backend.Queries.GetAsync(execution.TenantId, execution.Id))!.Execution;
        Assert.Equal((traceParent, retryOf), (loaded.TraceParent, loaded.RetryOf));
        Assert.Equal((traceParent, retryOf), (queried.TraceParent, queried.RetryOf));
        var other = Execution();
        await Store.CommitAsync([Create(other)]);
        Assert.Equal((null, null), ((await Store.LoadAsync(other.Id))!.Execution.TraceParent, (await Store.LoadAsync(other.Id))!.Execution.RetryOf));
    }

    [Fact]
    public async Task Commit_WithExpectedRevision_UpdatesExecutionAndUpsertsSteps()
    {
        var execution = Execution(revision: 1);
        var fetch = Step(execution, "fetch");
        await Store.CommitAsync([Create(execution, fetch)]);

        var done = fetch with
        {
            Status = StepRunStatus.Succeeded,
            Outputs = Json("""{"status":200}"""),
            Next = ["store"],
            StartedAt = T0.AddSeconds(1),
            CompletedAt = T0.AddSeconds(2),
        };
        var store = Step(execution, "store", createdAt: T0.AddSeconds(2));
        var updated = execution with { Revision = 2, Vars = Json("""{"x":"y"}""") };
        await Store.CommitAsync([new ExecutionChange(updated, 1, [done, store], [Attempt(done, 1)])]);

        var finished = updated with
        {
            Revision = 3,
            Status = ExecutionStatus.Succeeded,
            Outputs = Json("""{"ok":true}"""),
            CompletedAt = T0.AddSeconds(5),
        };
        await Store.CommitAsync([new ExecutionChange(finished, 2, [], [])]);

        var snapshot = await Store.LoadAsync(execution.Id);
        Assert.NotNull(snapshot);
        RecordAssert.Equal(finished, snapshot.Execution);
        RecordAssert.Equal([done, store], snapshot.Steps);

        var detail = await Backend.Queries.GetAsync(execution.TenantId, execution.Id);
        Assert.NotNull(detail);
        RecordAssert.Equal([Attempt(done, 1)], detail.Attempts);
    }

    [Fact]
    public async Task Commit_StaleRevision_ThrowsAndWritesNothingFromTheBatch()
    {
        var existing = Execution(revision: 5);
        var existingStep = Step(existing, "a");
        await Store.CommitAsync([Create(existing, existingStep)]);

        var fresh = Execution();
        var freshStep = Step(fresh, "a");
        var movedOn = existing with { Revision = 6, Status = ExecutionStatus.Failed };
        var movedStep = existingStep with { Status = StepRunStatus.Failed };

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.CommitAsync(
        [
            Create(fresh, freshStep),
            new ExecutionChange(movedOn, 4, [movedStep], [Attempt(movedStep, 1, StepRunStatus.Failed)]),
        ]));

        Assert.Equal(existing.Id, conflict.ExecutionId);
        Assert.Null(await Store.LoadAsync(fresh.Id));
        var snapshot = await Store.LoadAsync(existing.Id);
        Assert.NotNull(snapshot);
        RecordAssert.Equal(existing, snapshot.Execution);
        RecordAssert.Equal([existingStep], snapshot.Steps);
        var detail = await Backend.Queries.GetAsync(existing.TenantId, existing.Id);
        Assert.Empty(detail!.Attempts);
    }

    [Fact]
    public async Task Commit_ConflictInAnEarlierChange_LeavesLaterChangesUnwritten()
    {
        var existing = Execution(revision: 2);
        await Store.CommitAsync([Create(existing)]);
        var later = Execution();

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.CommitAsync(
            [new ExecutionChange(existing with { Revision = 3 }, 1, [], []), Create(later, Step(later, "a"))]));

        Assert.Null(await Store.LoadAsync(later.Id));
    }

    [Fact]
    public async Task Commit_InsertOfAnExistingExecution_IsAConflict()
    {
        var execution = Execution();
        await Store.CommitAsync([Create(execution)]);

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.CommitAsync([Create(execution with { Revision = 9 })]));

        Assert.Equal(execution.Id, conflict.ExecutionId);
        Assert.Equal(1, (await Store.LoadAsync(execution.Id))!.Execution.Revision);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Commit_SeveralConflicts_NamesTheFirstInBatchOrder(bool insertFirst)
    {
        var stored = Execution();
        var updated = Execution(revision: 3);
        await Store.CommitAsync([Create(stored), Create(updated)]);
        var insertConflict = Create(stored with { Revision = 9 });
        var updateConflict = new ExecutionChange(updated with { Revision = 5 }, 4, [], []);
        var fresh = Execution();

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.CommitAsync(insertFirst
            ? [Create(fresh), insertConflict, updateConflict]
            : [Create(fresh), updateConflict, insertConflict]));

        Assert.Equal(insertFirst ? stored.Id : updated.Id, conflict.ExecutionId);
        Assert.Null(await Store.LoadAsync(fresh.Id));
        Assert.Equal(3, (await Store.LoadAsync(updated.Id))!.Execution.Revision);
    }

    [Fact]
    public async Task Commit_AfterAFailedBatch_StillWorks()
    {
        var execution = Execution();
        await Store.CommitAsync([Create(execution)]);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.CommitAsync([new ExecutionChange(execution, 7, [], [])]));

        await Store.CommitAsync([new ExecutionChange(execution with { Revision = 2 }, 1, [], [])]);

        Assert.Equal(2, (await Store.LoadAsync(execution.Id))!.Execution.Revision);
    }

    [Fact]
    public async Task Commit_EmptyBatch_DoesNothing()
    {
        await Store.CommitAsync([]);
        Assert.Empty(await Store.ListUnfinishedAsync());
    }

    [Fact]
    public async Task Commit_ManyChangesInOneBatch_AreAllWritten()
    {
        var changes = Enumerable.Range(0, 200).Select(i =>
        {
            var execution = Execution(createdAt: T0.AddMilliseconds(i));
            return Create(execution, Step(execution, "a"), Step(execution, "b"));
        }).ToList();

        await Store.CommitAsync(changes);

        Assert.Equal(200, (await Store.ListUnfinishedAsync()).Count);
        var claimed = await Store.ClaimAsync("w", 1000, T0, Lease);
        Assert.Equal(400, claimed.Count);
    }

    [Fact]
    public async Task Commit_RepeatedAttempt_ReplacesTheStoredAttempt()
    {
        var execution = Execution();
        var step = Step(execution, "a");
        await Store.CommitAsync([new ExecutionChange(execution, null, [step], [Attempt(step, 1, StepRunStatus.Failed)])]);

        await Store.CommitAsync([new ExecutionChange(execution with { Revision = 2 }, 1, [], [Attempt(step, 1)])]);

        var detail = await Backend.Queries.GetAsync(execution.TenantId, execution.Id);
        RecordAssert.Equal([Attempt(step, 1)], detail!.Attempts);
    }

    [Fact]
    public async Task JsonColumns_RoundTripExactly()
    {
        const string unicode = """{"greeting":"héllo wörld ✓ 你好 🎉","escaped":"\u00e9\n\t\"q\"","n":1.50,"big":12345678901234567890}""";
        const string nested = """{ "a": [1, {"b": [true, null, {"c": "deep"}]}], "spaced" :  "kept" }""";
        var large = $$"""{"blob":"{{new string('x', 1024 * 1024)}}","tail":"✓"}""";

        var execution = Execution() with { Inputs = Json(unicode), Vars = Json(nested), Outputs = Json("[1,2,3]") };
        var step = Step(execution, "big") with { Inputs = Json(nested), Outputs = Json(large), State = Json(unicode) };
        var attempt = Attempt(step, 1) with { Inputs = Json(unicode), Outputs = Json(large) };
        await Store.CommitAsync([new ExecutionChange(execution, null, [step], [attempt])]);

        var snapshot = await Store.LoadAsync(execution.Id);
        Assert.NotNull(snapshot);
        Assert.Equal(unicode, snapshot.Execution.Inputs.GetRawText());
        Assert.Equal(nested.Trim(), snapshot.Execution.Vars.GetRawText());
        Assert.Equal("[1,2,3]", snapshot.Execution.Outputs!.Value.GetRawText());
        var loaded = Assert.Single(snapshot.Steps);
        Assert.Equal(nested.Trim(), loaded.Inputs!.Value.GetRawText());
        Assert.Equal(large, loaded.Outputs!.Value.GetRawText());
        Assert.Equal(unicode, loaded.State!.Value.GetRawText());
        Assert.Equal("héllo wörld ✓ 你好 🎉", loaded.State!.Value.GetProperty("greeting").GetString());

        var detail = await Backend.Queries.GetAsync(execution.TenantId, execution.Id);
        var storedAttempt = Assert.Single(detail!.Attempts);
        Assert.Equal(unicode, storedAttempt.Inputs!.Value.GetRawText());
        Assert.Equal(large, storedAttempt.Outputs!.Value.GetRawText());
    }

    [Fact]
    public async Task NullableColumns_RoundTripAsNull()
    {
        var execution = Execution() with { Outputs = null, Error = null, StartedAt = null };
        var step = Step(execution, "a") with { Inputs = null, Outputs = null, State = null, PluginName = null, Next = [] };
        await Store.CommitAsync([Create(execution, step)]);

        var snapshot = await Store.LoadAsync(execution.Id);
        Assert.Null(snapshot!.Execution.Outputs);
        Assert.Null(snapshot.Execution.StartedAt);
        var loaded = Assert.Single(snapshot.Steps);
        Assert.Null(loaded.Inputs);
        Assert.Null(loaded.Outputs);
        Assert.Null(loaded.State);
        Assert.Null(loaded.PluginName);
        Assert.Empty(loaded.Next);
    }

    [Fact]
    public async Task Claim_OrdersByPriorityThenRunAtThenFifo()
    {
        var execution = Execution();
        var lowOld = Step(execution, "low-old", priority: TaskPriority.Low, runAt: T0.AddSeconds(-60));
        var normalLate = Step(execution, "normal-late", runAt: T0.AddSeconds(-1));
        var normalEarly = Step(execution, "normal-early", runAt: T0.AddSeconds(-5));
        var fifoFirst = Step(execution, "fifo-1", runAt: T0.AddSeconds(-1));
        var fifoSecond = Step(execution, "fifo-2", runAt: T0.AddSeconds(-1));
        var critical = Step(execution, "critical", priority: TaskPriority.Critical);
        await Store.CommitAsync([Create(execution, lowOld, normalLate, normalEarly, critical)]);
        await Store.CommitAsync([new ExecutionChange(execution with { Revision = 2 }, 1, [fifoFirst], [])]);
        await Store.CommitAsync([new ExecutionChange(execution with { Revision = 3 }, 2, [fifoSecond], [])]);

        var claimed = await Store.ClaimAsync("w", 10, T0, Lease);

        Assert.Equal(
            ["critical", "normal-early", "normal-late", "fifo-1", "fifo-2", "low-old"],
            claimed.Select(c => c.Step.StepKey));
    }

    [Fact]
    public async Task Claim_TakesTheHighestPriorityFirstWhenLimited()
    {
        var execution = Execution();
        var steps = Enumerable.Range(0, 6).Select(i => Step(execution, $"s{i}", priority: (TaskPriority)(i % 4 + 1))).ToArray();
        await Store.CommitAsync([Create(execution, steps)]);

        var first = await Store.ClaimAsync("w", 2, T0, Lease);
        var rest = await Store.ClaimAsync("w", 10, T0, Lease);

        Assert.Equal([TaskPriority.Critical, TaskPriority.High], first.Select(c => c.Step.Priority));
        Assert.Equal(4, rest.Count);
        Assert.All(rest, c => Assert.True(c.Step.Priority <= TaskPriority.Normal));
    }

    [Fact]
    public async Task Claim_MarksRunningUnderALease()
    {
        var execution = Execution();
        var step = Step(execution, "a", runAt: T0.AddSeconds(-3));
        await Store.CommitAsync([Create(execution, step)]);
        var now = T0.AddSeconds(1);

        var claimed = Assert.Single(await Store.ClaimAsync("worker-7", 5, now, Lease));

        Assert.Equal("worker-7", claimed.LeaseOwner);
        Assert.Equal(now + Lease, claimed.LeaseExpiresAt);
        var expected = step with { Status = StepRunStatus.Running, LeaseOwner = "worker-7", LeaseExpiresAt = now + Lease, StartedAt = now };
        RecordAssert.Equal(expected, claimed.Step);
        RecordAssert.Equal([expected], (await Store.LoadAsync(execution.Id))!.Steps);
        Assert.Empty(await Store.ClaimAsync("other", 5, now, Lease));
    }

    [Fact]
    public async Task Claim_KeepsTheFirstStartTimeOnARetry()
    {
        var execution = Execution();
        var step = Step(execution, "a") with { StartedAt = T0.AddSeconds(-30), Attempt = 2 };
        await Store.CommitAsync([Create(execution, step)]);

        var claimed = Assert.Single(await Store.ClaimAsync("w", 1, T0, Lease));

        Assert.Equal(T0.AddSeconds(-30), claimed.Step.StartedAt);
        Assert.Equal(2, claimed.Step.Attempt);
    }

    [Fact]
    public async Task Claim_FutureRunAt_IsNotClaimedUntilDue()
    {
        var execution = Execution();
        var delayed = Step(execution, "delayed", runAt: T0.AddMinutes(5));
        await Store.CommitAsync([Create(execution, delayed)]);

        Assert.Empty(await Store.ClaimAsync("w", 10, T0, Lease));
        Assert.Empty(await Store.ClaimAsync("w", 10, T0.AddMinutes(5).AddMilliseconds(-1), Lease));
        var claimed = Assert.Single(await Store.ClaimAsync("w", 10, T0.AddMinutes(5), Lease));
        Assert.Equal(delayed.Id, claimed.Step.Id);
    }

    [Fact]
    public async Task Claim_IgnoresTasksThatAreNotQueued()
    {
        var execution = Execution();
        await Store.CommitAsync([Create(
            execution,
            Step(execution, "waiting", StepRunStatus.Waiting),
            Step(execution, "done", StepRunStatus.Succeeded),
            Step(execution, "skipped", StepRunStatus.Skipped),
            Step(execution, "cancelled", StepRunStatus.Cancelled),
            Step(execution, "failed", StepRunStatus.Failed))]);

        Assert.Empty(await Store.ClaimAsync("w", 10, T0.AddDays(1), Lease));
    }

    [Fact]
    public async Task Claim_ZeroMax_ReturnsNothing()
    {
        var execution = Execution();
        await Store.CommitAsync([Create(execution, Step(execution, "a"))]);

        Assert.Empty(await Store.ClaimAsync("w", 0, T0, Lease));
        Assert.Single(await Store.ClaimAsync("w", 1, T0, Lease));
    }

    [Fact]
    public async Task Claim_ConcurrentNodes_HandEachTaskOutExactlyOnce()
    {
        const int TaskCount = 1000;
        var execution = Execution();
        var steps = Enumerable.Range(0, TaskCount)
            .Select(i => Step(execution, $"s{i}", priority: (TaskPriority)(i % 4 + 1), runAt: T0.AddMilliseconds(-(i % 7))))
            .ToArray();
        await Store.CommitAsync([Create(execution, steps)]);

        var peers = new List<IStorageBackend>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                peers.Add(await Backend.OpenPeerAsync());
            }

            var stores = peers.Select(p => p.Executions).Prepend(Store).ToArray();
            var claims = new ConcurrentBag<(string Owner, Guid Id)>();
            await Task.WhenAll(stores.Select((store, n) => Task.Run(async () =>
            {
                var owner = $"node-{n}";
                while (true)
                {
                    var batch = await store.ClaimAsync(owner, 7, T0, Lease);
                    if (batch.Count == 0)
                    {
                        return;
                    }

                    foreach (var task in batch)
                    {
                        Assert.Equal(owner, task.LeaseOwner);
                        claims.Add((owner, task.Step.Id));
                    }
                }
            })));

            Assert.Equal(TaskCount, claims.Count);
            Assert.Equal(TaskCount, claims.Select(c => c.Id).Distinct().Count());
            Assert.Equal(steps.Select(s => s.Id).Order(), claims.Select(c => c.Id).Order());
            var stored = (await Store.LoadAsync(execution.Id))!.Steps;
            var ownerOf = claims.ToDictionary(c => c.Id, c => c.Owner);
            Assert.All(stored, s =>
            {
                Assert.Equal(StepRunStatus.Running, s.Status);
                Assert.Equal(ownerOf[s.Id], s.LeaseOwner);
            });
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RenewLeases_ExtendsOwnLeasesAndReportsTheOthers()
    {
        var execution = Execution();
        var mine = Step(execution, "mine", priority: TaskPriority.High);
        var theirs = Step(execution, "theirs");
        var queued = Step(execution, "queued", runAt: T0.AddHours(1));
        await Store.CommitAsync([Create(execution, mine, theirs, queued)]);
        Assert.Equal(mine.Id, Assert.Single(await Store.ClaimAsync("a", 1, T0, Lease)).Step.Id);
        Assert.Equal(theirs.Id, Assert.Single(await Store.ClaimAsync("b", 1, T0, Lease)).Step.Id);
        var unknown = Guid.NewGuid();
        var until = T0.AddMinutes(10);

        var lost = await Store.RenewLeasesAsync("a", [mine.Id, theirs.Id, queued.Id, unknown], until);

        Assert.Equal(new[] { theirs.Id, queued.Id, unknown }.Order(), lost.Order());
        var steps = (await Store.LoadAsync(execution.Id))!.Steps.ToDictionary(s => s.Id);
        Assert.Equal(until, steps[mine.Id].LeaseExpiresAt);
        Assert.Equal(T0 + Lease, steps[theirs.Id].LeaseExpiresAt);
        Assert.Null(steps[queued.Id].LeaseExpiresAt);
    }

    [Fact]
    public async Task RenewLeases_AfterTheLeaseWasTakenOver_ReportsItLost()
    {
        var execution = Execution();
        var step = Step(execution, "a");
        await Store.CommitAsync([Create(execution, step)]);
        await Store.ClaimAsync("a", 1, T0, Lease);
        Assert.Equal(1, await Store.RequeueExpiredAsync(T0 + Lease + TimeSpan.FromSeconds(1)));
        await Store.ClaimAsync("b", 1, T0 + Lease + TimeSpan.FromSeconds(1), Lease);

        var lost = await Store.RenewLeasesAsync("a", [step.Id], T0.AddHours(1));

        Assert.Equal([step.Id], lost);
        Assert.Equal("b", (await Store.LoadAsync(execution.Id))!.Steps[0].LeaseOwner);
    }

    [Fact]
    public async Task RenewLeases_NoIds_ReturnsNothing()
    {
        Assert.Empty(await Store.RenewLeasesAsync("a", [], T0));
    }

    [Fact]
    public async Task RequeueExpired_PutsOnlyExpiredLeasesBack()
    {
        var execution = Execution();
        var shortLease = Step(execution, "short", priority: TaskPriority.High);
        var longLease = Step(execution, "long");
        await Store.CommitAsync([Create(execution, shortLease, longLease)]);
        await Store.ClaimAsync("a", 1, T0, TimeSpan.FromSeconds(10));
        await Store.ClaimAsync("b", 1, T0, TimeSpan.FromMinutes(10));
        var now = T0.AddSeconds(11);

        Assert.Equal(1, await Store.RequeueExpiredAsync(now));

        var steps = (await Store.LoadAsync(execution.Id))!.Steps.ToDictionary(s => s.Id);
        var requeued = steps[shortLease.Id];
        Assert.Equal(StepRunStatus.Queued, requeued.Status);
        Assert.Null(requeued.LeaseOwner);
        Assert.Null(requeued.LeaseExpiresAt);
        Assert.Equal(now, requeued.RunAt);
        Assert.Equal(StepRunStatus.Running, steps[longLease.Id].Status);
        Assert.Equal("b", steps[longLease.Id].LeaseOwner);

        var again = Assert.Single(await Store.ClaimAsync("c", 10, now, Lease));
        Assert.Equal(shortLease.Id, again.Step.Id);
        Assert.Equal(0, await Store.RequeueExpiredAsync(now));
    }

    [Fact]
    public async Task RequeueExpired_ReleasesNamedOwnersRegardlessOfExpiry()
    {
        var execution = Execution();
        var a = Step(execution, "a", priority: TaskPriority.Critical);
        var b = Step(execution, "b", priority: TaskPriority.High);
        var c = Step(execution, "c");
        await Store.CommitAsync([Create(execution, a, b, c)]);
        await Store.ClaimAsync("dead-1", 1, T0, Lease);
        await Store.ClaimAsync("dead-2", 1, T0, Lease);
        await Store.ClaimAsync("alive", 1, T0, Lease);

        Assert.Equal(2, await Store.RequeueExpiredAsync(T0.AddSeconds(1), ["dead-1", "dead-2", "nobody"]));

        var steps = (await Store.LoadAsync(execution.Id))!.Steps.ToDictionary(s => s.Id);
        Assert.Equal(StepRunStatus.Queued, steps[a.Id].Status);
        Assert.Equal(StepRunStatus.Queued, steps[b.Id].Status);
        Assert.Equal(StepRunStatus.Running, steps[c.Id].Status);
        Assert.Equal("alive", steps[c.Id].LeaseOwner);
    }

    [Fact]
    public async Task ReleaseAllLeases_RequeuesEveryRunningTaskDueNow_AndLeavesOthersAlone()
    {
        var execution = Execution();
        var a = Step(execution, "a", priority: TaskPriority.Critical);
        var b = Step(execution, "b");
        var done = Step(execution, "done", StepRunStatus.Succeeded);
        var later = Step(execution, "later") with { RunAt = T0.AddHours(1) };
        await Store.CommitAsync([Create(execution, a, b, done, later)]);
        await Store.ClaimAsync("crashed", 1, T0, Lease);
        await Store.ClaimAsync("also-crashed", 1, T0, Lease);

        // Leases still valid for another 30 s: a restart of the sole owner must not wait for them.
        var restart = T0.AddSeconds(5);
        Assert.Equal(2, await Store.ReleaseAllLeasesAsync(restart));

        var steps = (await Store.LoadAsync(execution.Id))!.Steps.ToDictionary(s => s.Id);
        Assert.All(new[] { steps[a.Id], steps[b.Id] }, s =>
        {
            Assert.Equal(StepRunStatus.Queued, s.Status);
            Assert.Null(s.LeaseOwner);
            Assert.Equal(restart, s.RunAt);
        });
        Assert.Equal(StepRunStatus.Succeeded, steps[done.Id].Status);
        Assert.Equal(T0.AddHours(1), steps[later.Id].RunAt);
        Assert.Equal(2, (await Store.ClaimAsync("restarted", 10, restart, Lease)).Count);
    }

    [Fact]
    public async Task RequeueExpired_LeavesSettledTasksAlone()
    {
        var execution = Execution();
        var done = Step(execution, "done", StepRunStatus.Succeeded) with { LeaseOwner = "w", LeaseExpiresAt = T0 };
        await Store.CommitAsync([Create(execution, done)]);

        Assert.Equal(0, await Store.RequeueExpiredAsync(T0.AddHours(1), ["w"]));
        Assert.Equal(StepRunStatus.Succeeded, (await Store.LoadAsync(execution.Id))!.Steps[0].Status);
    }

    [Fact]
    public async Task NextDue_IsTheEarliestQueuedRunAt()
    {
        Assert.Null(await Store.NextDueAsync());

        var execution = Execution();
        var soon = Step(execution, "soon", priority: TaskPriority.Critical, runAt: T0.AddSeconds(5));
        await Store.CommitAsync([Create(
            execution,
            soon,
            Step(execution, "later", runAt: T0.AddMinutes(5)),
            Step(execution, "done", StepRunStatus.Succeeded, runAt: T0.AddSeconds(-100)))]);

        Assert.Equal(T0.AddSeconds(5), await Store.NextDueAsync());

        await Store.ClaimAsync("w", 1, T0.AddSeconds(5), Lease);
        Assert.Equal(T0.AddMinutes(5), await Store.NextDueAsync());

        await Store.ClaimAsync("w", 1, T0.AddMinutes(5), Lease);
        Assert.Null(await Store.NextDueAsync());
    }

    [Fact]
    public async Task ListUnfinished_ReturnsPendingAndRunningExecutions()
    {
        var pending = Execution(status: ExecutionStatus.Pending, createdAt: T0);
        var running = Execution(status: ExecutionStatus.Running, createdAt: T0.AddSeconds(1));
        var other = Execution(tenantId: "other", status: ExecutionStatus.Running, createdAt: T0.AddSeconds(2));
        await Store.CommitAsync(
        [
            Create(pending),
            Create(running),
            Create(other),
            Create(Execution(status: ExecutionStatus.Succeeded)),
            Create(Execution(status: ExecutionStatus.Failed)),
            Create(Execution(status: ExecutionStatus.Cancelled)),
        ]);

        Assert.Equal([pending.Id, running.Id, other.Id], await Store.ListUnfinishedAsync());

        await Store.CommitAsync([new ExecutionChange(running with { Status = ExecutionStatus.Succeeded, Revision = 2 }, 1, [], [])]);
        Assert.Equal([pending.Id, other.Id], await Store.ListUnfinishedAsync());
    }
}
