using System.Text.Json;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Caching;

/// <summary>
/// Puts the cache (key <c>workflow:{tenant}/{id}</c>, one hour) in front of the current-workflow read that every start
/// makes, and invalidates it on every change made through this store (update, publish, delete). Versions are immutable
/// and their compiled plans are cached by <see cref="Execution.WorkflowPlanCache"/>, so only the current record (which
/// version is latest and which is published) needs invalidating.
/// </summary>
public sealed class CachingWorkflowStore(IWorkflowStore inner, ICache cache) : IWorkflowStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<WorkflowRecord?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        var key = CacheKeys.Workflow(tenantId, id);
        if (await TryGetCachedAsync(key, cancellationToken).ConfigureAwait(false) is { } cached) return cached;
        var record = await inner.GetAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        if (record is not null) await cache.SetAsync(key, JsonSerializer.Serialize(record, Json), CacheKeys.WorkflowTtl, cancellationToken).ConfigureAwait(false);
        return record;
    }

    public async Task<WorkflowRecord> CreateAsync(WorkflowRecord workflow, CancellationToken cancellationToken = default)
    {
        var created = await inner.CreateAsync(workflow, cancellationToken).ConfigureAwait(false);
        // A workflow deleted and created again must not be answered from a copy another node cached meanwhile.
        await cache.RemoveAsync(CacheKeys.Workflow(created.TenantId, created.Id), cancellationToken).ConfigureAwait(false);
        return created;
    }

    public async Task<WorkflowRecord?> UpdateAsync(WorkflowRecord workflow, int? expectedVersion, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.UpdateAsync(workflow, expectedVersion, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await cache.RemoveAsync(CacheKeys.Workflow(workflow.TenantId, workflow.Id), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<WorkflowRecord?> PublishAsync(string tenantId, string id, int version, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.PublishAsync(tenantId, id, version, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await cache.RemoveAsync(CacheKeys.Workflow(tenantId, id), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.DeleteAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await cache.RemoveAsync(CacheKeys.Workflow(tenantId, id), cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<WorkflowRecord?> GetVersionAsync(string tenantId, string id, int version, CancellationToken cancellationToken = default) =>
        inner.GetVersionAsync(tenantId, id, version, cancellationToken);

    public Task<Page<WorkflowRecord>> ListAsync(WorkflowQuery query, CancellationToken cancellationToken = default) =>
        inner.ListAsync(query, cancellationToken);

    public Task<Page<WorkflowVersionRecord>> ListVersionsAsync(
        string tenantId, string id, int limit = 50, string? cursor = null, CancellationToken cancellationToken = default) =>
        inner.ListVersionsAsync(tenantId, id, limit, cursor, cancellationToken);

    /// <summary>A cached copy, or null on a miss or when the cached text no longer reads (then it is dropped).</summary>
    private async Task<WorkflowRecord?> TryGetCachedAsync(string key, CancellationToken cancellationToken)
    {
        var text = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (text is null) return null;
        try
        {
            return JsonSerializer.Deserialize<WorkflowRecord>(text, Json);
        }
        catch (JsonException)
        {
            await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }
}
