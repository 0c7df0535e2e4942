using System.Collections.Concurrent;
using System.Text.Json;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Execution;

/// <summary>Compiled plans per stored workflow version. Versions are immutable, so entries never go stale.</summary>
public sealed class WorkflowPlanCache(IWorkflowStore workflows)
{
    private readonly ConcurrentDictionary<(string Tenant, string Id, int Version), WorkflowPlan> _plans = new();

    /// <summary>The plan for a stored version.</summary>
    /// <exception cref="WorkflowNotFoundException">No such workflow version.</exception>
    public async ValueTask<WorkflowPlan> GetAsync(string tenantId, string workflowId, int version, CancellationToken cancellationToken = default)
    {
        if (_plans.TryGetValue((tenantId, workflowId, version), out var plan)) return plan;
        var record = await workflows.GetVersionAsync(tenantId, workflowId, version, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException(workflowId, version);
        return Add(record);
    }

    /// <summary>
    /// The plan for the pinned version, or else the one that runs by default: the published version, or the latest
    /// when the workflow was never published.
    /// </summary>
    public async ValueTask<WorkflowPlan> GetCurrentAsync(string tenantId, string workflowId, int? version, CancellationToken cancellationToken = default)
    {
        if (version is { } pinned) return await GetAsync(tenantId, workflowId, pinned, cancellationToken).ConfigureAwait(false);
        var record = await workflows.GetAsync(tenantId, workflowId, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException(workflowId, null);
        if (record.PublishedVersion is { } published && published != record.Version)
            return await GetAsync(tenantId, workflowId, published, cancellationToken).ConfigureAwait(false);
        return _plans.TryGetValue((tenantId, workflowId, record.Version), out var plan) ? plan : Add(record);
    }

    private WorkflowPlan Add(WorkflowRecord record)
    {
        using var document = JsonDocument.Parse(record.Definition);
        var parsed = WorkflowDefinitionParser.Parse(document.RootElement);
        if (parsed.Definition is null)
            throw new InvalidDataException($"Stored workflow '{record.Id}' v{record.Version} no longer parses: {string.Join("; ", parsed.Errors)}");
        var plan = WorkflowPlan.Compile(parsed.Definition, record.Version);
        return _plans.GetOrAdd((record.TenantId, record.Id, record.Version), plan);
    }
}

/// <summary>The workflow (or version) asked for does not exist.</summary>
public sealed class WorkflowNotFoundException(string workflowId, int? version)
    : Exception(version is null ? $"Workflow '{workflowId}' does not exist." : $"Workflow '{workflowId}' has no version {version}.")
{
    public string WorkflowId { get; } = workflowId;
}
