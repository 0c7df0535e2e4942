using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>The audit trail, access log and security events on SQLite.</summary>
public sealed class SqliteSecurityLogStore : ISecurityLogStore
{
    private const string AuditColumns =
        "id, tenant_id, actor_id, actor_name, actor_kind, action, resource_type, resource_id, before_json, after_json, ip, user_agent, request_id, created_at";
    private const string AccessColumns = "id, tenant_id, method, path, status, duration_ms, caller_id, caller_name, ip, request_id, created_at";
    private const string EventColumns = "id, tenant_id, kind, actor, ip, detail, data, created_at";

    private readonly SqliteDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public SqliteSecurityLogStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"INSERT INTO audit_records ({AuditColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13);";
        Bind(command, Id(record.Id), record.TenantId, record.ActorId, record.ActorName, record.ActorKind, record.Action, record.ResourceType,
            Text(record.ResourceId), Text(record.Before), Text(record.After), Text(record.Ip), Text(record.UserAgent), Text(record.RequestId), Time(record.CreatedAt));
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw new ArgumentException($"The audit record was rejected ({ex.Message}); before and after must be JSON.", nameof(record), ex);
        }
    }

    /// <inheritdoc />
    public async Task<Page<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);
        var cursor = query.Cursor is null ? ((long, string)?)null : KeysetCursor.Decode(query.Cursor);
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        var where = new List<string> { "tenant_id = @tenant" };
        command.Parameters.AddWithValue("@tenant", query.TenantId);
        Filter(command, where, "actor_id", "@actor", query.ActorId);
        Filter(command, where, "resource_type", "@type", query.ResourceType);
        Filter(command, where, "resource_id", "@rid", query.ResourceId);
        Range(command, where, query.Since, query.Until, cursor);
        command.CommandText = $"SELECT {AuditColumns} FROM audit_records WHERE {string.Join(" AND ", where)} ORDER BY created_at DESC, id DESC LIMIT @limit;";
        command.Parameters.AddWithValue("@limit", limit + 1);
        var items = new List<AuditRecord>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(new AuditRecord(GetId(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), GetTextOrNull(reader, 7), GetTextOrNull(reader, 8), GetTextOrNull(reader, 9),
                    GetTextOrNull(reader, 10), GetTextOrNull(reader, 11), GetTextOrNull(reader, 12), GetTime(reader, 13)));
            }
        }
        return KeysetCursor.ToPage(items, limit, r => (r.CreatedAt, r.Id));
    }

    /// <inheritdoc />
    public Task AppendAccessLogAsync(IReadOnlyList<AccessLogRecord> records, CancellationToken cancellationToken = default) =>
        InsertBatchAsync($"INSERT INTO access_log ({AccessColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10);", records,
            r => [Id(r.Id), Text(r.TenantId), r.Method, r.Path, r.Status, r.DurationMs, Text(r.CallerId), Text(r.CallerName), Text(r.Ip),
                Text(r.RequestId), Time(r.CreatedAt)],
            r => $"Access-log entry {r.Id} was rejected", cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<AccessLogRecord>> RecentAccessLogAsync(string tenantId, int limit, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {AccessColumns} FROM access_log WHERE tenant_id = @p0 ORDER BY created_at DESC, id DESC LIMIT @p1;";
        Bind(command, tenantId, KeysetCursor.ClampLimit(limit));
        using var reader = command.ExecuteReader();
        var result = new List<AccessLogRecord>();
        while (reader.Read())
        {
            result.Add(new AccessLogRecord(GetId(reader, 0), GetTextOrNull(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetDouble(5), GetTextOrNull(reader, 6), GetTextOrNull(reader, 7), GetTextOrNull(reader, 8), GetTextOrNull(reader, 9), GetTime(reader, 10)));
        }
        return result;
    }

    /// <inheritdoc />
    public Task AppendSecurityEventsAsync(IReadOnlyList<SecurityEventRecord> records, CancellationToken cancellationToken = default) =>
        InsertBatchAsync($"INSERT INTO security_events ({EventColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7);", records,
            r => [Id(r.Id), Text(r.TenantId), r.Kind, Text(r.Actor), Text(r.Ip), r.Detail, Text(r.Data), Time(r.CreatedAt)],
            r => $"Security event {r.Id} was rejected; its data must be JSON", cancellationToken);

    /// <summary>Inserts every record in one transaction; a rejected row rolls the batch back.</summary>
    private async Task InsertBatchAsync<T>(
        string sql, IReadOnlyList<T> records, Func<T, object[]> values, Func<T, string> rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = lease.Connection.BeginTransaction();
        using var command = lease.Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var record in records)
        {
            command.Parameters.Clear();
            Bind(command, values(record));
            try
            {
                command.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
            {
                throw new ArgumentException($"{rejected(record)} ({ex.Message}).", nameof(records), ex);
            }
        }
        transaction.Commit();
    }

    /// <inheritdoc />
    public async Task<Page<SecurityEventRecord>> QuerySecurityEventsAsync(SecurityEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);
        var cursor = query.Cursor is null ? ((long, string)?)null : KeysetCursor.Decode(query.Cursor);
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        var where = new List<string> { "1 = 1" };
        Filter(command, where, "tenant_id", "@tenant", query.TenantId);
        Filter(command, where, "kind", "@kind", query.Kind);
        Range(command, where, query.Since, null, cursor);
        command.CommandText = $"SELECT {EventColumns} FROM security_events WHERE {string.Join(" AND ", where)} ORDER BY created_at DESC, id DESC LIMIT @limit;";
        command.Parameters.AddWithValue("@limit", limit + 1);
        var items = new List<SecurityEventRecord>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(new SecurityEventRecord(GetId(reader, 0), GetTextOrNull(reader, 1), reader.GetString(2), GetTextOrNull(reader, 3),
                    GetTextOrNull(reader, 4), reader.GetString(5), GetTextOrNull(reader, 6), GetTime(reader, 7)));
            }
        }
        return KeysetCursor.ToPage(items, limit, r => (r.CreatedAt, r.Id));
    }

    private static void Bind(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters.AddWithValue($"@p{i}", values[i]);
    }

    private static void Filter(SqliteCommand command, List<string> where, string column, string parameter, string? value)
    {
        if (value is null) return;
        where.Add($"{column} = {parameter}");
        command.Parameters.AddWithValue(parameter, value);
    }

    private static void Range(SqliteCommand command, List<string> where, DateTimeOffset? since, DateTimeOffset? until, (long Time, string Id)? cursor)
    {
        if (since is { } s)
        {
            where.Add("created_at >= @since");
            command.Parameters.AddWithValue("@since", Time(s));
        }
        if (until is { } u)
        {
            where.Add("created_at < @until");
            command.Parameters.AddWithValue("@until", Time(u));
        }
        if (cursor is { } c)
        {
            where.Add("(created_at < @ctime OR (created_at = @ctime AND id < @cid))");
            command.Parameters.AddWithValue("@ctime", c.Time);
            command.Parameters.AddWithValue("@cid", c.Id);
        }
    }
}
