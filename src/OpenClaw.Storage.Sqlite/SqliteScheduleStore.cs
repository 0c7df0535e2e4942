using System.Text;
using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Cron schedules on SQLite.</summary>
public sealed class SqliteScheduleStore : IScheduleStore
{
    private const string Columns =
        "id, tenant_id, workflow_id, cron, time_zone, inputs, priority, misfire_policy, enabled, next_fire_at, last_fire_at, created_at, updated_at";

    private readonly SqliteDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public SqliteScheduleStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<ScheduleRecord> CreateAsync(ScheduleRecord schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        using var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = writer.Connection.CreateCommand();
        command.CommandText = $"INSERT INTO schedules ({Columns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12);";
        Bind(command, schedule);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new DuplicateKeyException($"A schedule with id {schedule.Id} exists.");
        }

        return schedule;
    }

    /// <inheritdoc />
    public async Task<ScheduleRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM schedules WHERE id = @id AND tenant_id = @tenant;";
        command.Parameters.AddWithValue("@id", Id(id));
        command.Parameters.AddWithValue("@tenant", tenantId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<Page<ScheduleRecord>> ListAsync(ScheduleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM schedules WHERE tenant_id = @tenant");
        command.Parameters.AddWithValue("@tenant", query.TenantId);
        if (query.WorkflowId is not null)
        {
            sql.Append(" AND workflow_id = @workflow");
            command.Parameters.AddWithValue("@workflow", query.WorkflowId);
        }

        SqliteKeyset.AppendPage(command, sql, query.Cursor, "created_at", "id", limit);
        return SqliteKeyset.ReadPage(command, Read, limit, s => s.CreatedAt, s => s.Id);
    }

    /// <inheritdoc />
    public async Task<ScheduleRecord?> UpdateAsync(ScheduleRecord schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        using var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = writer.Connection.CreateCommand();
        command.CommandText =
            "UPDATE schedules SET workflow_id = @p2, cron = @p3, time_zone = @p4, inputs = @p5, priority = @p6, misfire_policy = @p7, enabled = @p8, " +
            "next_fire_at = @p9, last_fire_at = @p10, updated_at = @p12 WHERE id = @p0 AND tenant_id = @p1 RETURNING created_at;";
        Bind(command, schedule);
        return command.ExecuteScalar() is long created ? schedule with { CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(created) } : null;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        using var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = writer.Connection.CreateCommand();
        command.CommandText = "DELETE FROM schedules WHERE id = @id AND tenant_id = @tenant;";
        command.Parameters.AddWithValue("@id", Id(id));
        command.Parameters.AddWithValue("@tenant", tenantId);
        return command.ExecuteNonQuery() > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScheduleRecord>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM schedules WHERE enabled = 1 AND next_fire_at <= @now ORDER BY next_fire_at LIMIT @max;";
        command.Parameters.AddWithValue("@now", Time(now));
        command.Parameters.AddWithValue("@max", max);
        using var reader = command.ExecuteReader();
        var due = new List<ScheduleRecord>();
        while (reader.Read())
        {
            due.Add(Read(reader));
        }

        return due;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextFireAsync(CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "SELECT MIN(next_fire_at) FROM schedules WHERE enabled = 1;";
        return command.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <inheritdoc />
    public async Task<bool> AdvanceAsync(Guid id, DateTimeOffset dueAt, DateTimeOffset? nextAt, CancellationToken cancellationToken = default)
    {
        using var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = writer.Connection.CreateCommand();
        command.CommandText = "UPDATE schedules SET next_fire_at = @next WHERE id = @id AND enabled = 1 AND next_fire_at = @due;";
        command.Parameters.AddWithValue("@id", Id(id));
        command.Parameters.AddWithValue("@due", Time(dueAt));
        command.Parameters.AddWithValue("@next", Time(nextAt));
        return command.ExecuteNonQuery() > 0;
    }

    private static void Bind(SqliteCommand command, ScheduleRecord s)
    {
        var p = command.Parameters;
        p.AddWithValue("@p0", Id(s.Id));
        p.AddWithValue("@p1", s.TenantId);
        p.AddWithValue("@p2", s.WorkflowId);
        p.AddWithValue("@p3", s.Cron);
        p.AddWithValue("@p4", s.TimeZone);
        p.AddWithValue("@p5", Json(s.Inputs) is string json ? json : "{}");
        p.AddWithValue("@p6", (long)s.Priority);
        p.AddWithValue("@p7", s.MisfirePolicy);
        p.AddWithValue("@p8", s.Enabled ? 1L : 0L);
        p.AddWithValue("@p9", Time(s.NextFireAt));
        p.AddWithValue("@p10", Time(s.LastFireAt));
        p.AddWithValue("@p11", Time(s.CreatedAt));
        p.AddWithValue("@p12", Time(s.UpdatedAt));
    }

    private static ScheduleRecord Read(SqliteDataReader r) => new(
        GetId(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), GetJson(r, 5), (TaskPriority)r.GetInt32(6),
        r.GetString(7), r.GetInt64(8) == 1, GetTimeOrNull(r, 9), GetTimeOrNull(r, 10), GetTime(r, 11), GetTime(r, 12));
}
