using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresCommands;

namespace OpenClaw.Storage.Postgres;

/// <summary>Tenant usage counts on PostgreSQL.</summary>
public sealed class PostgresTenantUsageQueries(PostgresDatabase database) : ITenantUsageQueries
{
    /// <inheritdoc />
    public async Task<long> CountWorkflowsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        (await ReadAsync(database, "SELECT count(*) FROM workflows WHERE tenant_id = $1;", r => r.GetInt64(0), cancellationToken, tenantId).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public async Task<long> CountExecutionsSinceAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        (await ReadAsync(database, "SELECT count(*) FROM workflow_executions WHERE tenant_id = $1 AND created_at >= $2;", r => r.GetInt64(0),
            cancellationToken, tenantId, since).ConfigureAwait(false))[0];
}
