namespace OpenClaw.Core.Storage;

/// <summary>
/// The engine's hot-path storage: load an execution, commit transitions in batches, and the queue operations on the
/// <c>tasks</c> table. Reporting queries live in <see cref="IExecutionQueries"/>.
/// </summary>
public interface IExecutionStore
{
    /// <summary>Loads an execution and all its step instances, or null.</summary>
    Task<ExecutionSnapshot?> LoadAsync(Guid executionId, CancellationToken cancellationToken = default);

    /// <summary>Writes every change in one transaction.</summary>
    /// <exception cref="ConcurrencyConflictException">An execution's stored revision differs from the expected one; nothing was written.</exception>
    Task CommitAsync(IReadOnlyList<ExecutionChange> changes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="max"/> due queued tasks, highest priority first, then oldest <c>run_at</c>,
    /// marking them running under a lease owned by <paramref name="owner"/>.
    /// </summary>
    Task<IReadOnlyList<ClaimedTask>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Extends the leases <paramref name="owner"/> holds on <paramref name="taskIds"/>; returns the ids whose lease it no longer holds.</summary>
    Task<IReadOnlyList<Guid>> RenewLeasesAsync(string owner, IReadOnlyCollection<Guid> taskIds, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts running tasks whose lease expired before <paramref name="now"/> back in the queue (their worker died),
    /// and, when <paramref name="ownersToRelease"/> is given, those held by the named owners regardless of expiry.
    /// </summary>
    /// <returns>How many tasks went back to the queue.</returns>
    Task<int> RequeueExpiredAsync(DateTimeOffset now, IReadOnlyCollection<string>? ownersToRelease = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts every running task back in the queue, due at <paramref name="now"/>, whoever holds its lease. Only for a
    /// database that one process owns (the embedded one), at that process's start: the previous holder is known dead.
    /// </summary>
    /// <returns>How many tasks went back to the queue.</returns>
    Task<int> ReleaseAllLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The earliest <c>run_at</c> of any queued task, or null when the queue is empty.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);

    /// <summary>Ids of executions not yet finished, for resuming after a restart.</summary>
    Task<IReadOnlyList<Guid>> ListUnfinishedAsync(CancellationToken cancellationToken = default);
}
