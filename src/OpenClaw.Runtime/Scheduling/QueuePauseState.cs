using System.Collections.Frozen;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Scheduling;

/// <summary>
/// This process's copy of which queues are paused, for the coordinator's fast path (steps handed straight to local
/// workers skip the claim, so they must not bypass a pause). The claim itself reads the pauses from the database, so
/// this copy only has to be fresh, not exact: it is reloaded at start, after every pause or resume made here, and on
/// every notification of one made elsewhere (PostgreSQL).
/// </summary>
public sealed class QueuePauseState
{
    private FrozenSet<(string TenantId, string Queue)> _paused = FrozenSet<(string, string)>.Empty;

    public bool IsPaused(string tenantId, string queue) => _paused.Count > 0 && _paused.Contains((tenantId, queue));

    /// <summary>Replaces the copy with what the database holds.</summary>
    public void Replace(IEnumerable<PausedQueue> paused) => _paused = paused.Select(p => (p.TenantId, p.Queue)).ToFrozenSet();
}
