using Npgsql;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresCommands;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>Per-workflow shares on PostgreSQL (the <c>workflow_shares</c> table).</summary>
public sealed class PostgresWorkflowShareStore : IWorkflowShareStore
{
    private const string Columns = "tenant_id, workflow_id, principal_type, principal_id, permission, created_by, created_at";
    private const string Order = " ORDER BY CASE principal_type WHEN 'user' THEN 0 ELSE 1 END, principal_id COLLATE \"C\";";

    private readonly PostgresDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public PostgresWorkflowShareStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public Task<WorkflowShareRecord?> PutShareAsync(WorkflowShareRecord share, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (!SharePrincipals.All.Contains(share.PrincipalType)) throw new ArgumentException($"Principal type '{share.PrincipalType}' is not user or role.", nameof(share));
        if (!SharePermissions.All.Contains(share.Permission)) throw new ArgumentException($"Permission '{share.Permission}' is not read, run or edit.", nameof(share));
        return ReadOneAsync(_database,
            $"INSERT INTO workflow_shares ({Columns}) SELECT $1, $2, $3, $4, $5, $6, $7 " +
            "WHERE EXISTS (SELECT 1 FROM workflows WHERE tenant_id = $1 AND id = $2) " +
            "ON CONFLICT (tenant_id, workflow_id, principal_type, principal_id) DO UPDATE SET permission = excluded.permission, " +
            $"created_by = excluded.created_by, created_at = excluded.created_at RETURNING {Columns};",
            Read, cancellationToken, share.TenantId, share.WorkflowId, share.PrincipalType, share.PrincipalId, share.Permission, share.CreatedBy, share.CreatedAt);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowShareRecord>> ListSharesAsync(string tenantId, string workflowId, CancellationToken cancellationToken = default) =>
        ReadAsync(_database, $"SELECT {Columns} FROM workflow_shares WHERE tenant_id = $1 AND workflow_id = $2" + Order, Read, cancellationToken, tenantId, workflowId);

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowShareRecord>> FindSharesAsync(string tenantId, string workflowId, string userId, string role, CancellationToken cancellationToken = default) =>
        ReadAsync(_database, $"SELECT {Columns} FROM workflow_shares WHERE tenant_id = $1 AND workflow_id = $2 AND " +
            "((principal_type = 'user' AND principal_id = $3) OR (principal_type = 'role' AND principal_id = $4))" + Order,
            Read, cancellationToken, tenantId, workflowId, userId, role);

    /// <inheritdoc />
    public async Task<bool> DeleteShareAsync(string tenantId, string workflowId, string principalType, string principalId, CancellationToken cancellationToken = default) =>
        await WriteAsync(_database, null,
            "DELETE FROM workflow_shares WHERE tenant_id = $1 AND workflow_id = $2 AND principal_type = $3 AND principal_id = $4;", cancellationToken,
            tenantId, workflowId, principalType, principalId).ConfigureAwait(false) > 0;

    private static WorkflowShareRecord Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), GetTextOrNull(r, 5), GetTime(r, 6));
}
