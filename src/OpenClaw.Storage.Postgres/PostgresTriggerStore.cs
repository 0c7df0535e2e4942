using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.IntegrationRows;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>Webhook triggers on PostgreSQL (the <c>triggers</c> table); times are stored to the millisecond.</summary>
public sealed class PostgresTriggerStore(PostgresDatabase database) : ITriggerStore
{
    private const string Columns =
        "id, tenant_id, workflow_id, name, path_hash, path_hint, mode, methods::text, input_mapping, enabled, signing_secret, signing_key_id, " +
        "require_timestamp, sync_timeout_ms, created_at, updated_at, created_by";

    /// <inheritdoc />
    public async Task<TriggerRecord> CreateAsync(TriggerRecord trigger, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO triggers (id, tenant_id, workflow_id, name, path_hash, path_hint, mode, methods, input_mapping, enabled, signing_secret, " +
            "signing_key_id, require_timestamp, sync_timeout_ms, created_at, updated_at, created_by) VALUES (@id, @tenant, @workflow, @name, @hash, @hint, " +
            "@mode, @methods::json, @mapping, @enabled, @secret, @secret_key, @timestamp, @timeout, @created, @updated, @created_by) ON CONFLICT DO NOTHING;", connection);
        Bind(command, trigger);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            throw new DuplicateKeyException($"A trigger with id {trigger.Id} or the same path exists.");
        return Truncate(trigger);
    }

    /// <inheritdoc />
    public async Task<TriggerRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        (await ListWhereAsync("tenant_id = @tenant AND id = @id", c => { c.Parameters.AddWithValue("tenant", tenantId); c.Parameters.AddWithValue("id", id); }, cancellationToken)
            .ConfigureAwait(false)) is [var first, ..] ? first : null;

    /// <inheritdoc />
    public async Task<TriggerRecord?> FindByPathHashAsync(string pathHash, CancellationToken cancellationToken = default) =>
        (await ListWhereAsync("path_hash = @hash", c => c.Parameters.AddWithValue("hash", pathHash), cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first : null;

    /// <inheritdoc />
    public Task<IReadOnlyList<TriggerRecord>> ListAsync(string tenantId, string? workflowId = null, CancellationToken cancellationToken = default) =>
        ListWhereAsync("tenant_id = @tenant" + (workflowId is null ? "" : " AND workflow_id = @workflow") + " ORDER BY created_at, id", c =>
        {
            c.Parameters.AddWithValue("tenant", tenantId);
            if (workflowId is not null) c.Parameters.AddWithValue("workflow", workflowId);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<TriggerRecord?> UpdateAsync(TriggerRecord trigger, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE triggers SET workflow_id = @workflow, name = @name, path_hash = @hash, path_hint = @hint, mode = @mode, methods = @methods::json, " +
            "input_mapping = @mapping, enabled = @enabled, signing_secret = @secret, signing_key_id = @secret_key, require_timestamp = @timestamp, " +
            $"sync_timeout_ms = @timeout, updated_at = @updated WHERE tenant_id = @tenant AND id = @id RETURNING {Columns};", connection);
        Bind(command, trigger);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateKeyException("Another trigger has the same path.");
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM triggers WHERE tenant_id = @tenant AND id = @id;", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<IReadOnlyList<TriggerRecord>> ListWhereAsync(string where, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM triggers WHERE {where};", connection);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<TriggerRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) result.Add(Read(reader));
        return result;
    }

    private static void Bind(NpgsqlCommand command, TriggerRecord t)
    {
        command.Parameters.AddWithValue("id", t.Id);
        command.Parameters.AddWithValue("tenant", t.TenantId);
        command.Parameters.AddWithValue("workflow", t.WorkflowId);
        command.Parameters.AddWithValue("name", t.Name);
        command.Parameters.AddWithValue("hash", t.PathHash);
        command.Parameters.AddWithValue("hint", t.PathHint);
        command.Parameters.AddWithValue("mode", t.Mode);
        command.Parameters.AddWithValue("methods", StringList(t.Methods));
        command.Parameters.AddWithValue("mapping", t.InputMapping);
        command.Parameters.AddWithValue("enabled", t.Enabled);
        command.Parameters.Add(new NpgsqlParameter("secret", NpgsqlDbType.Bytea) { Value = Nullable(t.SigningSecret) });
        command.Parameters.Add(new NpgsqlParameter("secret_key", NpgsqlDbType.Text) { Value = Nullable(t.SigningKeyId) });
        command.Parameters.AddWithValue("timestamp", t.RequireTimestamp);
        command.Parameters.AddWithValue("timeout", t.SyncTimeoutMs);
        command.Parameters.AddWithValue("created", Utc(t.CreatedAt));
        command.Parameters.AddWithValue("updated", Utc(t.UpdatedAt));
        command.Parameters.Add(new NpgsqlParameter("created_by", NpgsqlDbType.Text) { Value = Nullable(t.CreatedBy) });
    }

    private static TriggerRecord Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), GetStringList(r, 7),
        r.GetString(8), r.GetBoolean(9), r.IsDBNull(10) ? null : r.GetFieldValue<byte[]>(10), GetTextOrNull(r, 11), r.GetBoolean(12),
        r.GetInt32(13), GetTime(r, 14), GetTime(r, 15), GetTextOrNull(r, 16));

    private static TriggerRecord Truncate(TriggerRecord t) => t with { CreatedAt = new DateTimeOffset(Utc(t.CreatedAt)), UpdatedAt = new DateTimeOffset(Utc(t.UpdatedAt)) };
}
