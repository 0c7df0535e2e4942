using System.Diagnostics;
using OpenClaw.Core.Storage;

namespace OpenClaw.Bench;

/// <summary>
/// Wraps the real store to see the group commit from outside: how many transactions, how many execution changes in
/// each, and how long each took. Adds two timestamps per call; changes nothing else.
/// </summary>
internal sealed class MeasuredStore(IExecutionStore inner) : IExecutionStore
{
    private readonly Lock _gate = new();
    private Samples _commitTimes = new();
    private long _commits;
    private long _changes;
    private long _claims;
    private long _claimed;

    public bool Recording { get; set; }

    public (Samples CommitTimes, long Commits, long Changes, long Claims, long Claimed) Take()
    {
        lock (_gate)
        {
            var result = (_commitTimes, _commits, _changes, _claims, _claimed);
            _commitTimes = new Samples();
            _commits = _changes = _claims = _claimed = 0;
            return result;
        }
    }

    public Task<ExecutionSnapshot?> LoadAsync(Guid executionId, CancellationToken cancellationToken = default) =>
        inner.LoadAsync(executionId, cancellationToken);

    public async Task CommitAsync(IReadOnlyList<ExecutionChange> changes, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        await inner.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
        long elapsed = Stopwatch.GetTimestamp() - started;
        if (!Recording) return;
        lock (_gate)
        {
            _commitTimes.Add(elapsed);
            _commits++;
            _changes += changes.Count;
        }
    }

    public async Task<IReadOnlyList<ClaimedTask>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var claimed = await inner.ClaimAsync(owner, max, now, lease, cancellationToken).ConfigureAwait(false);
        if (Recording)
        {
            lock (_gate)
            {
                _claims++;
                _claimed += claimed.Count;
            }
        }
        return claimed;
    }

    public Task<IReadOnlyList<Guid>> RenewLeasesAsync(string owner, IReadOnlyCollection<Guid> taskIds, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        inner.RenewLeasesAsync(owner, taskIds, until, cancellationToken);

    public Task<int> RequeueExpiredAsync(DateTimeOffset now, IReadOnlyCollection<string>? ownersToRelease = null, CancellationToken cancellationToken = default) =>
        inner.RequeueExpiredAsync(now, ownersToRelease, cancellationToken);

    public Task<int> ReleaseAllLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.ReleaseAllLeasesAsync(now, cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => inner.NextDueAsync(cancellationToken);

    public Task<IReadOnlyList<Guid>> ListUnfinishedAsync(CancellationToken cancellationToken = default) => inner.ListUnfinishedAsync(cancellationToken);
}
