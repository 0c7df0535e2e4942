namespace OpenClaw.Core.Storage;

/// <summary>
/// Decides which gated tasks a claim may start, given the slots held now. Both backends call it while holding their
/// tenant-wide admission lock (PostgreSQL: an advisory lock per tenant; SQLite: the single writer), so the counts it
/// reads cannot change under it and two claimers never admit past a limit.
/// </summary>
public static class ConcurrencyAdmission
{
    /// <summary>A queued task whose execution must hold a slot to run.</summary>
    public sealed record Candidate(Guid TaskId, Guid ExecutionId, string TenantId, ConcurrencyGate Gate);

    /// <summary>A slot: one execution under a limit that is running.</summary>
    public sealed record Slot(Guid ExecutionId, string TenantId, string WorkflowId);

    /// <summary>
    /// Walks <paramref name="candidates"/> in claim order and takes up to <paramref name="room"/>: a task whose execution
    /// already holds a slot always; otherwise only when its workflow and its tenant are both under their limits, and
    /// then its execution takes a slot (returned in <c>NewSlots</c>).
    /// </summary>
    public static (IReadOnlyList<Guid> Admitted, IReadOnlyList<Slot> NewSlots) Admit(
        IEnumerable<Candidate> candidates, IEnumerable<Slot> held, int room)
    {
        var holding = new HashSet<Guid>();
        var perWorkflow = new Dictionary<(string, string), int>();
        var perTenant = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var slot in held) Count(slot);

        var admitted = new List<Guid>();
        var added = new List<Slot>();
        foreach (var c in candidates)
        {
            if (admitted.Count >= room) break;
            if (!holding.Contains(c.ExecutionId))
            {
                if (c.Gate.WorkflowLimit is { } workflowLimit && perWorkflow.GetValueOrDefault((c.TenantId, c.Gate.WorkflowId)) >= workflowLimit) continue;
                if (c.Gate.TenantLimit is { } tenantLimit && perTenant.GetValueOrDefault(c.TenantId) >= tenantLimit) continue;
                var slot = new Slot(c.ExecutionId, c.TenantId, c.Gate.WorkflowId);
                Count(slot);
                added.Add(slot);
            }
            admitted.Add(c.TaskId);
        }
        return (admitted, added);

        void Count(Slot slot)
        {
            if (!holding.Add(slot.ExecutionId)) return;
            perWorkflow[(slot.TenantId, slot.WorkflowId)] = perWorkflow.GetValueOrDefault((slot.TenantId, slot.WorkflowId)) + 1;
            perTenant[slot.TenantId] = perTenant.GetValueOrDefault(slot.TenantId) + 1;
        }
    }
}
