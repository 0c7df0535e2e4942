namespace OpenClaw.Core.Storage;

/// <summary>
/// Everything one engine transition writes for one execution. A batch of these commits in a single transaction
/// (group commit), so a step's result and the scheduling of its successors are never separated by a crash.
/// </summary>
/// <param name="Execution">The execution row to insert or update.</param>
/// <param name="ExpectedRevision">The revision the transition was computed from; null when the execution is new.
/// A stored revision that differs means another node moved it first, and the batch fails with <see cref="ConcurrencyConflictException"/>.</param>
/// <param name="Steps">Step rows to insert or replace.</param>
/// <param name="Attempts">Attempt history rows to append.</param>
public sealed record ExecutionChange(
    ExecutionRecord Execution,
    long? ExpectedRevision,
    IReadOnlyList<StepRunRecord> Steps,
    IReadOnlyList<StepAttemptRecord> Attempts)
{
    /// <summary>A cron fire time this change's new execution claims: the batch commits only if no other scheduler claimed it first.</summary>
    public ScheduleFire? Fire { get; init; }

    /// <summary>The execution ran under a concurrency limit: when it is terminal, its slot is released in the same transaction.</summary>
    public bool ReleasesSlot { get; init; }
}

/// <summary>Fire time <paramref name="DueAt"/> of schedule <paramref name="ScheduleId"/>, moving its next fire time to <paramref name="NextAt"/>.</summary>
public sealed record ScheduleFire(Guid ScheduleId, DateTimeOffset DueAt, DateTimeOffset? NextAt);

/// <summary>Another writer changed an execution (or a workflow) after it was read; reload it and apply the change again.</summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException(Guid executionId)
        : base($"Execution {executionId} was changed by another writer.") => ExecutionId = executionId;

    /// <summary>A conflict on something other than an execution (a workflow's version check); <see cref="ExecutionId"/> is empty.</summary>
    public ConcurrencyConflictException(string message)
        : base(message)
    {
    }

    /// <summary>The execution that conflicted, or <see cref="Guid.Empty"/> for other resources.</summary>
    public Guid ExecutionId { get; }
}
