using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Webhook triggers on SQLite (the <c>triggers</c> table); times are stored to the millisecond.</summary>
public sealed class SqliteTriggerStore(SqliteDatabase database) : ITriggerStore
{
    private const string Columns =
        "id, tenant_id, workflow_id, name, path_hash, path_hint, mode, methods, input_mapping, enabled, signing_secret, signing_key_id, " +
        "require_timestamp, sync_timeout_ms, created_at, updated_at, created_by";

    /// <inheritdoc />
    public async Task<TriggerRecord> CreateAsync(TriggerRecord trigger, CancellationToken cancellationToken = default)
    {
        var stored = Truncate(trigger);
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            $"INSERT INTO triggers ({Columns}) VALUES (@id, @tenant, @workflow, @name, @hash, @hint, @mode, @methods, @mapping, @enabled, " +
            "@secret, @secret_key, @timestamp, @timeout, @created, @updated, @created_by) ON CONFLICT DO NOTHING;";
        Bind(command, stored);
        if (command.ExecuteNonQuery() == 0) throw new DuplicateKeyException($"A trigger with id {trigger.Id} or the same path exists.");
        return stored;
    }

    /// <inheritdoc />
    public async Task<TriggerRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        (await ListWhereAsync("tenant_id = @tenant AND id = @id", c => { c.Parameters.AddWithValue("@tenant", tenantId); c.Parameters.AddWithValue("@id", Id(id)); }, cancellationToken)
            .ConfigureAwait(false)) is [var first, ..] ? first : null;

    /// <inheritdoc />
    public async Task<TriggerRecord?> FindByPathHashAsync(string pathHash, CancellationToken cancellationToken = default) =>
        (await ListWhereAsync("path_hash = @hash", c => c.Parameters.AddWithValue("@hash", pathHash), cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first : null;

    /// <inheritdoc />
    public Task<IReadOnlyList<TriggerRecord>> ListAsync(string tenantId, string? workflowId = null, CancellationToken cancellationToken = default) =>
        ListWhereAsync("tenant_id = @tenant" + (workflowId is null ? "" : " AND workflow_id = @workflow") + " ORDER BY created_at, id", c =>
        {
            c.Parameters.AddWithValue("@tenant", tenantId);
            if (workflowId is not null) c.Parameters.AddWithValue("@workflow", workflowId);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<TriggerRecord?> UpdateAsync(TriggerRecord trigger, CancellationToken cancellationToken = default)
    {
        var incoming = Truncate(trigger);
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "UPDATE triggers SET workflow_id = @workflow, name = @name, path_hash = @hash, path_hint = @hint, mode = @mode, methods = @methods, " +
            "input_mapping = @mapping, enabled = @enabled, signing_secret = @secret, signing_key_id = @secret_key, require_timestamp = @timestamp, " +
            $"sync_timeout_ms = @timeout, updated_at = @updated WHERE tenant_id = @tenant AND id = @id RETURNING {Columns};";
        Bind(command, incoming);
        try
        {
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == 2067 /* SQLITE_CONSTRAINT_UNIQUE */)
        {
            throw new DuplicateKeyException("Another trigger has the same path.");
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "DELETE FROM triggers WHERE tenant_id = @tenant AND id = @id;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@id", Id(id));
        return command.ExecuteNonQuery() > 0;
    }

    private async Task<IReadOnlyList<TriggerRecord>> ListWhereAsync(string where, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        using var lease = await database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM triggers WHERE {where};";
        bind(command);
        using var reader = command.ExecuteReader();
        var result = new List<TriggerRecord>();
        while (reader.Read()) result.Add(Read(reader));
        return result;
    }

    private static void Bind(SqliteCommand command, TriggerRecord t)
    {
        command.Parameters.AddWithValue("@id", Id(t.Id));
        command.Parameters.AddWithValue("@tenant", t.TenantId);
        command.Parameters.AddWithValue("@workflow", t.WorkflowId);
        command.Parameters.AddWithValue("@name", t.Name);
        command.Parameters.AddWithValue("@hash", t.PathHash);
        command.Parameters.AddWithValue("@hint", t.PathHint);
        command.Parameters.AddWithValue("@mode", t.Mode);
        command.Parameters.AddWithValue("@methods", StringList(t.Methods));
        command.Parameters.AddWithValue("@mapping", t.InputMapping);
        command.Parameters.AddWithValue("@enabled", t.Enabled ? 1 : 0);
        command.Parameters.AddWithValue("@secret", (object?)t.SigningSecret ?? DBNull.Value);
        command.Parameters.AddWithValue("@secret_key", Text(t.SigningKeyId));
        command.Parameters.AddWithValue("@timestamp", t.RequireTimestamp ? 1 : 0);
        command.Parameters.AddWithValue("@timeout", t.SyncTimeoutMs);
        command.Parameters.AddWithValue("@created", Time(t.CreatedAt));
        command.Parameters.AddWithValue("@updated", Time(t.UpdatedAt));
        command.Parameters.AddWithValue("@created_by", Text(t.CreatedBy));
    }

    private static TriggerRecord Read(SqliteDataReader r) => new(
        GetId(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), GetStringList(r, 7),
        r.GetString(8), r.GetInt64(9) == 1, r.IsDBNull(10) ? null : (byte[])r.GetValue(10), GetTextOrNull(r, 11), r.GetInt64(12) == 1,
        r.GetInt32(13), GetTime(r, 14), GetTime(r, 15), GetTextOrNull(r, 16));

    private static TriggerRecord Truncate(TriggerRecord t) => t with
    {
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Time(t.CreatedAt)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Time(t.UpdatedAt)),
    };
}
