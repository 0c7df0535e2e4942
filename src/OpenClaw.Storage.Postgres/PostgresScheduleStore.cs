using System.Text;
using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>Cron schedules on PostgreSQL. Every change sends <c>NOTIFY openclaw_scheduler</c> so sleeping schedulers re-plan.</summary>
public sealed class PostgresScheduleStore : IScheduleStore
{
    private const string Columns =
        "id, tenant_id, workflow_id, cron, time_zone, inputs, priority, misfire_policy, enabled, next_fire_at, last_fire_at, created_at, updated_at";

    private const string Notify = $"openclaw_notify('{PostgresQueueStore.SchedulerChannel}', 'schedules')";

    private readonly PostgresDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public PostgresScheduleStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<ScheduleRecord> CreateAsync(ScheduleRecord schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"WITH created AS (INSERT INTO schedules ({Columns}) VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8, $9, $10, $11, $12, $13) RETURNING 1) " +
            $"SELECT count(*)::int FROM created WHERE {Notify};", connection);
        Bind(command, schedule);
        try
        {
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateKeyException($"A schedule with id {schedule.Id} exists.");
        }

        return schedule;
    }

    /// <inheritdoc />
    public async Task<ScheduleRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM schedules WHERE id = $1 AND tenant_id = $2;", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<Page<ScheduleRecord>> ListAsync(ScheduleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = connection };
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string> { TypedValue = query.TenantId });
        var sql = new StringBuilder($"SELECT {Columns} FROM schedules WHERE tenant_id = $1");
        if (query.WorkflowId is not null)
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = query.WorkflowId });
            sql.Append($" AND workflow_id = ${p.Count}");
        }

        PostgresKeyset.AppendPage(command, sql, query.Cursor, "created_at", "id", limit);
        return await PostgresKeyset.ReadPageAsync(command, Read, limit, s => s.CreatedAt, s => s.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ScheduleRecord?> UpdateAsync(ScheduleRecord schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "WITH changed AS (UPDATE schedules SET workflow_id = $3, cron = $4, time_zone = $5, inputs = $6::json, priority = $7, misfire_policy = $8, " +
            "enabled = $9, next_fire_at = $10, last_fire_at = $11, updated_at = $13 WHERE id = $1 AND tenant_id = $2 RETURNING created_at) " +
            $"SELECT created_at FROM changed WHERE {Notify};", connection);
        Bind(command, schedule);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime created
            ? schedule with { CreatedAt = new DateTimeOffset(created) }
            : null;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"WITH gone AS (DELETE FROM schedules WHERE id = $1 AND tenant_id = $2 RETURNING 1) SELECT count(*)::int FROM gone WHERE {Notify};", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScheduleRecord>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM schedules WHERE enabled AND next_fire_at <= $1 ORDER BY next_fire_at LIMIT $2;", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        var due = new List<ScheduleRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add(Read(reader));
        }

        return due;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextFireAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT min(next_fire_at) FROM schedules WHERE enabled;", connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime next ? new DateTimeOffset(next) : null;
    }

    /// <inheritdoc />
    public async Task<bool> AdvanceAsync(Guid id, DateTimeOffset dueAt, DateTimeOffset? nextAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE schedules SET next_fire_at = $3 WHERE id = $1 AND enabled AND next_fire_at = $2;", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(dueAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(Parameter(Utc(nextAt), NpgsqlDbType.TimestampTz));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static void Bind(NpgsqlCommand command, ScheduleRecord s)
    {
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = s.Id });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.TenantId });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.WorkflowId });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.Cron });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.TimeZone });
        p.Add(new NpgsqlParameter<string> { TypedValue = Json(s.Inputs) ?? "{}" });
        p.Add(new NpgsqlParameter<short> { TypedValue = (short)s.Priority });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.MisfirePolicy });
        p.Add(new NpgsqlParameter<bool> { TypedValue = s.Enabled });
        p.Add(Parameter(Utc(s.NextFireAt), NpgsqlDbType.TimestampTz));
        p.Add(Parameter(Utc(s.LastFireAt), NpgsqlDbType.TimestampTz));
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(s.CreatedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(s.UpdatedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    private static ScheduleRecord Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), GetJson(r, 5), (TaskPriority)r.GetInt16(6),
        r.GetString(7), r.GetBoolean(8), GetTimeOrNull(r, 9), GetTimeOrNull(r, 10), GetTime(r, 11), GetTime(r, 12));
}
