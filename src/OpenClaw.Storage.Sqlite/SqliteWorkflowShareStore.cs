using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Per-workflow shares on SQLite (the <c>workflow_shares</c> table).</summary>
public sealed class SqliteWorkflowShareStore : IWorkflowShareStore
{
    private const string Columns = "tenant_id, workflow_id, principal_type, principal_id, permission, created_by, created_at";
    private const string Order = " ORDER BY CASE principal_type WHEN 'user' THEN 0 ELSE 1 END, principal_id;";

    private readonly SqliteDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public SqliteWorkflowShareStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<WorkflowShareRecord?> PutShareAsync(WorkflowShareRecord share, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (!SharePrincipals.All.Contains(share.PrincipalType)) throw new ArgumentException($"Principal type '{share.PrincipalType}' is not user or role.", nameof(share));
        if (!SharePermissions.All.Contains(share.Permission)) throw new ArgumentException($"Permission '{share.Permission}' is not read, run or edit.", nameof(share));
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        // The workflow must exist in the tenant: the share is refused (null) rather than stored for another tenant's id.
        command.CommandText =
            $"INSERT INTO workflow_shares ({Columns}) SELECT @tenant, @workflow, @type, @principal, @permission, @by, @at " +
            "WHERE EXISTS (SELECT 1 FROM workflows WHERE tenant_id = @tenant AND id = @workflow) " +
            "ON CONFLICT (tenant_id, workflow_id, principal_type, principal_id) DO UPDATE SET permission = excluded.permission, " +
            $"created_by = excluded.created_by, created_at = excluded.created_at RETURNING {Columns};";
        command.Parameters.AddWithValue("@tenant", share.TenantId);
        command.Parameters.AddWithValue("@workflow", share.WorkflowId);
        command.Parameters.AddWithValue("@type", share.PrincipalType);
        command.Parameters.AddWithValue("@principal", share.PrincipalId);
        command.Parameters.AddWithValue("@permission", share.Permission);
        command.Parameters.AddWithValue("@by", Text(share.CreatedBy));
        command.Parameters.AddWithValue("@at", Time(share.CreatedAt));
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowShareRecord>> ListSharesAsync(string tenantId, string workflowId, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM workflow_shares WHERE tenant_id = @tenant AND workflow_id = @workflow" + Order, tenantId, workflowId, null, null, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowShareRecord>> FindSharesAsync(string tenantId, string workflowId, string userId, string role, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM workflow_shares WHERE tenant_id = @tenant AND workflow_id = @workflow AND " +
            "((principal_type = 'user' AND principal_id = @user) OR (principal_type = 'role' AND principal_id = @role))" + Order,
            tenantId, workflowId, userId, role, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteShareAsync(string tenantId, string workflowId, string principalType, string principalId, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "DELETE FROM workflow_shares WHERE tenant_id = @tenant AND workflow_id = @workflow AND principal_type = @type AND principal_id = @principal;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@workflow", workflowId);
        command.Parameters.AddWithValue("@type", principalType);
        command.Parameters.AddWithValue("@principal", principalId);
        return command.ExecuteNonQuery() > 0;
    }

    private async Task<IReadOnlyList<WorkflowShareRecord>> QueryAsync(
        string sql, string tenantId, string workflowId, string? userId, string? role, CancellationToken cancellationToken)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@workflow", workflowId);
        if (userId is not null) command.Parameters.AddWithValue("@user", userId);
        if (role is not null) command.Parameters.AddWithValue("@role", role);
        using var reader = command.ExecuteReader();
        var result = new List<WorkflowShareRecord>();
        while (reader.Read()) result.Add(Read(reader));
        return result;
    }

    private static WorkflowShareRecord Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), GetTextOrNull(r, 5), GetTime(r, 6));
}
