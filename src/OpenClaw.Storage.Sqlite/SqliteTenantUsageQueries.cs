using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Tenant usage counts on SQLite.</summary>
public sealed class SqliteTenantUsageQueries(SqliteDatabase database) : ITenantUsageQueries
{
    /// <inheritdoc />
    public Task<long> CountWorkflowsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        CountAsync("SELECT count(*) FROM workflows WHERE tenant_id = @tenant;", tenantId, null, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountExecutionsSinceAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        CountAsync("SELECT count(*) FROM workflow_executions WHERE tenant_id = @tenant AND created_at >= @since;", tenantId, since, cancellationToken);

    private async Task<long> CountAsync(string sql, string tenantId, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        using var lease = await database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@tenant", tenantId);
        if (since is { } s) command.Parameters.AddWithValue("@since", Time(s));
        return (long)command.ExecuteScalar()!;
    }
}
