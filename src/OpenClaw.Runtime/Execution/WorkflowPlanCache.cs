using System.Collections.Concurrent;
using System.Text.Json;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Execution;

/// <summary>
/// Compiled plans per stored workflow version. Versions are immutable, but a workflow deleted and created again under
/// the same id starts over at version 1 with another definition: every entry therefore remembers which incarnation of
/// the workflow it belongs to (its creation instant) and, for the current version, the definition it was compiled from,
/// and is checked against the current record (itself cached and invalidated on every change, on every node).
/// </summary>
public sealed class WorkflowPlanCache(IWorkflowStore workflows)
{
    private readonly ConcurrentDictionary<(string Tenant, string Id, int Version), CachedPlan> _plans = new();

    /// <summary>The plan for a stored version.</summary>
    /// <exception cref="WorkflowNotFoundException">No such workflow version.</exception>
    public async ValueTask<WorkflowPlan> GetAsync(string tenantId, string workflowId, int version, CancellationToken cancellationToken = default)
    {
        var current = await workflows.GetAsync(tenantId, workflowId, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException(workflowId, version);
        return await GetVersionAsync(current, version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The plan for the pinned version, or else the one that runs by default: the published version, or the latest
    /// when the workflow was never published.
    /// </summary>
    public async ValueTask<WorkflowPlan> GetCurrentAsync(string tenantId, string workflowId, int? version, CancellationToken cancellationToken = default)
    {
        var current = await workflows.GetAsync(tenantId, workflowId, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException(workflowId, version);
        return await GetVersionAsync(current, version ?? current.PublishedVersion ?? current.Version, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<WorkflowPlan> GetVersionAsync(WorkflowRecord current, int version, CancellationToken cancellationToken)
    {
        var key = (current.TenantId, current.Id, version);
        if (version == current.Version)
        {
            // The current record is at hand: compare definitions too, so even a re-creation within the same instant is seen.
            return _plans.TryGetValue(key, out var latest) && latest.Incarnation == current.CreatedAt && latest.Definition == current.Definition
                ? latest.Plan
                : Add(current, current.CreatedAt);
        }
        if (_plans.TryGetValue(key, out var cached) && cached.Incarnation == current.CreatedAt) return cached.Plan;
        var record = await workflows.GetVersionAsync(current.TenantId, current.Id, version, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException(current.Id, version);
        return Add(record, current.CreatedAt);
    }

    private WorkflowPlan Add(WorkflowRecord record, DateTimeOffset incarnation)
    {
        using var document = JsonDocument.Parse(record.Definition);
        var parsed = WorkflowDefinitionParser.Parse(document.RootElement);
        if (parsed.Definition is null)
            throw new InvalidDataException($"Stored workflow '{record.Id}' v{record.Version} no longer parses: {string.Join("; ", parsed.Errors)}");
        var plan = WorkflowPlan.Compile(parsed.Definition, record.Version);
        _plans[(record.TenantId, record.Id, record.Version)] = new CachedPlan(incarnation, record.Definition, plan);
        return plan;
    }

    private sealed record CachedPlan(DateTimeOffset Incarnation, string Definition, WorkflowPlan Plan);
}

/// <summary>The workflow (or version) asked for does not exist.</summary>
public sealed class WorkflowNotFoundException(string workflowId, int? version)
    : Exception(version is null ? $"Workflow '{workflowId}' does not exist." : $"Workflow '{workflowId}' has no version {version}.")
{
    public string WorkflowId { get; } = workflowId;
}
