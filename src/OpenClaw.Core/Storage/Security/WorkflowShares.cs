namespace OpenClaw.Core.Storage;

/// <summary>
/// Rights on one workflow given to a user or to everyone with a role (the <c>workflow_shares</c> table), added to what
/// the role grants tenant-wide. Removed with the workflow.
/// </summary>
/// <param name="PrincipalType">One of <see cref="SharePrincipals"/>.</param>
/// <param name="PrincipalId">The user id (for <c>user</c>) or role name (for <c>role</c>).</param>
/// <param name="Permission">One of <see cref="SharePermissions"/>.</param>
public sealed record WorkflowShareRecord(
    string TenantId,
    string WorkflowId,
    string PrincipalType,
    string PrincipalId,
    string Permission,
    string? CreatedBy,
    DateTimeOffset CreatedAt);

/// <summary>Who a share is for.</summary>
public static class SharePrincipals
{
    public const string User = "user";
    public const string Role = "role";

    public static IReadOnlyList<string> All { get; } = [User, Role];
}

/// <summary>The levels a share grants, each including the ones before: read, run (start and cancel), edit.</summary>
public static class SharePermissions
{
    public const string Read = "read";
    public const string Run = "run";
    public const string Edit = "edit";

    public static IReadOnlyList<string> All { get; } = [Read, Run, Edit];
}

/// <summary>Per-workflow shares.</summary>
public interface IWorkflowShareStore
{
    /// <summary>Creates or replaces the share of one principal on one workflow.</summary>
    /// <returns>The stored share, or null when the workflow does not exist in the tenant.</returns>
    /// <exception cref="ArgumentException">The principal type or permission is not a known one.</exception>
    Task<WorkflowShareRecord?> PutShareAsync(WorkflowShareRecord share, CancellationToken cancellationToken = default);

    /// <summary>The workflow's shares, users first, then roles, by principal.</summary>
    Task<IReadOnlyList<WorkflowShareRecord>> ListSharesAsync(string tenantId, string workflowId, CancellationToken cancellationToken = default);

    /// <summary>The shares on the workflow that apply to the user or their role.</summary>
    Task<IReadOnlyList<WorkflowShareRecord>> FindSharesAsync(string tenantId, string workflowId, string userId, string role, CancellationToken cancellationToken = default);

    /// <summary>Removes one share; false when there was none.</summary>
    Task<bool> DeleteShareAsync(string tenantId, string workflowId, string principalType, string principalId, CancellationToken cancellationToken = default);
}
