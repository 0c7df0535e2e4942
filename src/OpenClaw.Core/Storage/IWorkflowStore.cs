namespace OpenClaw.Core.Storage;

/// <summary>Stored workflows and their immutable versions.</summary>
public interface IWorkflowStore
{
    /// <summary>Creates a workflow at version 1.</summary>
    /// <exception cref="DuplicateKeyException">A workflow with that id exists in the tenant.</exception>
    Task<WorkflowRecord> CreateAsync(WorkflowRecord workflow, CancellationToken cancellationToken = default);

    /// <summary>Saves a new version: the stored version becomes <c>expectedVersion + 1</c>.</summary>
    /// <returns>The saved record, or null when the workflow does not exist.</returns>
    /// <exception cref="ConcurrencyConflictException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    Task<WorkflowRecord?> UpdateAsync(WorkflowRecord workflow, int? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>The current version, or null.</summary>
    Task<WorkflowRecord?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default);

    /// <summary>A specific version, or null.</summary>
    Task<WorkflowRecord?> GetVersionAsync(string tenantId, string id, int version, CancellationToken cancellationToken = default);

    /// <summary>Lists workflows, newest first.</summary>
    Task<Page<WorkflowRecord>> ListAsync(WorkflowQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="version"/> the published one (<see cref="WorkflowRecord.PublishedVersion"/>) and the
    /// workflow's status <c>published</c>.
    /// </summary>
    /// <returns>The current record after the change, or null when the workflow or that version does not exist.</returns>
    Task<WorkflowRecord?> PublishAsync(string tenantId, string id, int version, CancellationToken cancellationToken = default);

    /// <summary>The saved versions, newest first; the cursor is the page's last version.</summary>
    /// <exception cref="ArgumentException">The cursor is not one this store returned.</exception>
    Task<Page<WorkflowVersionRecord>> ListVersionsAsync(string tenantId, string id, int limit = 50, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a workflow and its versions; returns false when there was none.</summary>
    Task<bool> DeleteAsync(string tenantId, string id, CancellationToken cancellationToken = default);
}

/// <summary>Filters for listing workflows.</summary>
public sealed record WorkflowQuery(string TenantId, string? Search = null, string? Status = null, int Limit = 50, string? Cursor = null);

/// <summary>One page of results; pass <paramref name="NextCursor"/> back for the next page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>A record with that key already exists.</summary>
public sealed class DuplicateKeyException(string message) : Exception(message);
