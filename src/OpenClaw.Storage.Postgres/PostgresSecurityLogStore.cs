using Npgsql;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresCommands;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>The audit trail, access log and security events on PostgreSQL.</summary>
public sealed class PostgresSecurityLogStore : ISecurityLogStore
{
    private const string AuditColumns =
        "id, tenant_id, actor_id, actor_name, actor_kind, action, resource_type, resource_id, before_json::text, after_json::text, ip, user_agent, request_id, created_at";
    private const string AccessColumns = "id, tenant_id, method, path, status, duration_ms, caller_id, caller_name, ip, request_id, created_at";
    private const string EventColumns = "id, tenant_id, kind, actor, ip, detail, data::text, created_at";

    private readonly PostgresDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public PostgresSecurityLogStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await WriteAsync(_database, null,
                "INSERT INTO audit_records (id, tenant_id, actor_id, actor_name, actor_kind, action, resource_type, resource_id, before_json, after_json, " +
                "ip, user_agent, request_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::json, $10::json, $11, $12, $13, $14);", cancellationToken,
                record.Id, record.TenantId, record.ActorId, record.ActorName, record.ActorKind, record.Action, record.ResourceType, record.ResourceId,
                record.Before, record.After, record.Ip, record.UserAgent, record.RequestId, record.CreatedAt).ConfigureAwait(false);
        }
        catch (PostgresStorageException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.InvalidTextRepresentation })
        {
            throw new ArgumentException($"The audit record was rejected ({ex.Message}); before and after must be JSON.", nameof(record), ex);
        }
    }

    /// <inheritdoc />
    public async Task<Page<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);
        var where = new List<string>();
        var values = new List<object?>();
        Filter(where, values, "tenant_id", query.TenantId);
        Filter(where, values, "actor_id", query.ActorId);
        Filter(where, values, "resource_type", query.ResourceType);
        Filter(where, values, "resource_id", query.ResourceId);
        Range(where, values, query.Since, null, query.Cursor);
        if (query.Until is { } until)
        {
            values.Add(until);
            where.Add($"created_at < ${values.Count}");
        }
        values.Add(limit + 1);
        var items = (await ReadAsync(_database,
            $"SELECT {AuditColumns} FROM audit_records WHERE {string.Join(" AND ", where)} ORDER BY created_at DESC, id DESC LIMIT ${values.Count};",
            r => new AuditRecord(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                GetTextOrNull(r, 7), GetTextOrNull(r, 8), GetTextOrNull(r, 9), GetTextOrNull(r, 10), GetTextOrNull(r, 11), GetTextOrNull(r, 12), GetTime(r, 13)),
            cancellationToken, [.. values]).ConfigureAwait(false)).ToList();
        return KeysetCursor.ToPage(items, limit, r => (r.CreatedAt, r.Id));
    }

    /// <inheritdoc />
    public async Task AppendAccessLogAsync(IReadOnlyList<AccessLogRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One statement for the batch: arrays unnested into rows.
        await using var command = new NpgsqlCommand(
            $"INSERT INTO access_log ({AccessColumns}) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::float8[], " +
            "$7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[]);", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.TenantId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Method).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Path).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Status).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.DurationMs).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.CallerId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.CallerName).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Ip).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.RequestId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => Utc(r.CreatedAt)).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessLogRecord>> RecentAccessLogAsync(string tenantId, int limit, CancellationToken cancellationToken = default) =>
        ReadAsync(_database, $"SELECT {AccessColumns} FROM access_log WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2;",
            r => new AccessLogRecord(r.GetGuid(0), GetTextOrNull(r, 1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetDouble(5), GetTextOrNull(r, 6),
                GetTextOrNull(r, 7), GetTextOrNull(r, 8), GetTextOrNull(r, 9), GetTime(r, 10)),
            cancellationToken, tenantId, KeysetCursor.ClampLimit(limit));

    /// <inheritdoc />
    public async Task AppendSecurityEventsAsync(IReadOnlyList<SecurityEventRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO security_events (id, tenant_id, kind, actor, ip, detail, data, created_at) SELECT u.id, u.tenant_id, u.kind, u.actor, u.ip, u.detail, u.data::json, u.at " +
            "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) " +
            "AS u(id, tenant_id, kind, actor, ip, detail, data, at);", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.TenantId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Kind).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Actor).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Ip).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Detail).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Data).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => Utc(r.CreatedAt)).ToArray() });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidTextRepresentation)
        {
            throw new ArgumentException($"A security event was rejected ({ex.MessageText}); its data must be JSON.", nameof(records), ex);
        }
    }

    /// <inheritdoc />
    public async Task<Page<SecurityEventRecord>> QuerySecurityEventsAsync(SecurityEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);
        var where = new List<string> { "true" };
        var values = new List<object?>();
        Filter(where, values, "tenant_id", query.TenantId);
        Filter(where, values, "kind", query.Kind);
        Range(where, values, query.Since, null, query.Cursor);
        values.Add(limit + 1);
        var items = (await ReadAsync(_database,
            $"SELECT {EventColumns} FROM security_events WHERE {string.Join(" AND ", where)} ORDER BY created_at DESC, id DESC LIMIT ${values.Count};",
            r => new SecurityEventRecord(r.GetGuid(0), GetTextOrNull(r, 1), r.GetString(2), GetTextOrNull(r, 3), GetTextOrNull(r, 4), r.GetString(5),
                GetTextOrNull(r, 6), GetTime(r, 7)),
            cancellationToken, [.. values]).ConfigureAwait(false)).ToList();
        return KeysetCursor.ToPage(items, limit, r => (r.CreatedAt, r.Id));
    }

    private static void Filter(List<string> where, List<object?> values, string column, string? value)
    {
        if (value is null) return;
        values.Add(value);
        where.Add($"{column} = ${values.Count}");
    }

    private static void Range(List<string> where, List<object?> values, DateTimeOffset? since, DateTimeOffset? until, string? cursor)
    {
        if (since is { } s)
        {
            values.Add(s);
            where.Add($"created_at >= ${values.Count}");
        }
        if (until is { } u)
        {
            values.Add(u);
            where.Add($"created_at < ${values.Count}");
        }
        if (cursor is not null)
        {
            var (time, id) = KeysetCursor.Decode(cursor);
            if (!Guid.TryParseExact(id, "D", out var guid)) throw new ArgumentException("The paging cursor is not valid; pass back the NextCursor of a previous page unchanged.", nameof(cursor));
            values.Add(DateTimeOffset.FromUnixTimeMilliseconds(time));
            values.Add(guid);
            where.Add($"(created_at, id) < (${values.Count - 1}, ${values.Count})");
        }
    }
}
