using System.Text;
using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>Queues, pauses, statistics and dead letters on PostgreSQL; every read and write is tenant-scoped.</summary>
/// <remarks>
/// Pausing and resuming send <c>NOTIFY openclaw_scheduler</c> (every process reloads its paused set) in the same
/// transaction; resuming also sends <c>NOTIFY openclaw_tasks</c>, since that queue's tasks may be due.
/// </remarks>
public sealed class PostgresQueueStore : IQueueStore
{
    /// <summary>The channel scheduler changes (queue pauses, schedules) are announced on.</summary>
    public const string SchedulerChannel = "openclaw_scheduler";

    // A dead letter: a failed plugin or delay task that chose no on_failure step, in an execution that is still failed.
    private const string DeadLetterFrom = """
        FROM tasks t JOIN workflow_executions e ON e.id = t.execution_id
        WHERE t.tenant_id = $1 AND t.status = 'failed' AND t.step_type IN ('plugin', 'delay') AND cardinality(t.next) = 0
          AND t.discarded_at IS NULL AND e.status = 'failed'
        """;

    private const string DeadLetterColumns =
        "t.id, t.execution_id, e.workflow_id, e.workflow_version, t.step_key, t.step_id, t.plugin_name, t.queue, t.priority, " +
        "t.error_message, t.retry_count, t.completed_at, t.inputs";

    private readonly PostgresDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public PostgresQueueStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueSummary>> ListQueuesAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var builder = new QueueSummaryBuilder();
        await using (var command = new NpgsqlCommand("""
            SELECT queue, priority, count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'queued' AND run_at > $2),
                   count(*) FILTER (WHERE status = 'running')
            FROM tasks WHERE tenant_id = $1 AND status IN ('queued', 'running') GROUP BY queue, priority;
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                builder.AddCounts(reader.GetString(0), (TaskPriority)reader.GetInt16(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            }
        }

        await using (var command = new NpgsqlCommand("SELECT queue, paused_at FROM queue_pauses WHERE tenant_id = $1;", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                builder.AddPause(reader.GetString(0), GetTime(reader, 1));
            }
        }

        return builder.Build();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PausedQueue>> ListPausedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT tenant_id, queue, paused_at FROM queue_pauses;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var paused = new List<PausedQueue>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            paused.Add(new PausedQueue(reader.GetString(0), reader.GetString(1), GetTime(reader, 2)));
        }

        return paused;
    }

    /// <inheritdoc />
    public async Task<bool> SetPausedAsync(string tenantId, string queue, bool paused, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var sql = paused
            ? $"""
               WITH changed AS (INSERT INTO queue_pauses (tenant_id, queue, paused_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1)
               SELECT count(*)::int FROM changed WHERE openclaw_notify('{SchedulerChannel}', 'queues');
               """
            : $"""
               WITH changed AS (DELETE FROM queue_pauses WHERE tenant_id = $1 AND queue = $2 RETURNING 1)
               SELECT count(*)::int FROM changed WHERE openclaw_notify('{SchedulerChannel}', 'queues') AND openclaw_notify_tasks($4);
               """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queue });
        if (paused)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }
        else
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now.ToUnixTimeMilliseconds() });
        }

        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
    }

    /// <inheritdoc />
    public async Task<QueueStatistics> GetStatisticsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var stats = new QueueStatisticsBuilder();
        await using (var command = new NpgsqlCommand("""
            SELECT priority, count(*), count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'failed'),
                   count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'queued' AND run_at > $2),
                   count(*) FILTER (WHERE status = 'running')
            FROM tasks WHERE tenant_id = $1 AND step_type IN ('plugin', 'delay') GROUP BY priority;
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stats.Add((TaskPriority)reader.GetInt16(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            }
        }

        await using (var command = new NpgsqlCommand(
            $"SELECT (SELECT count(*) FROM task_attempts WHERE tenant_id = $1 AND attempt > 1), (SELECT count(*) {DeadLetterFrom});", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            stats.Retried = reader.GetInt64(0);
            stats.DeadLetters = reader.GetInt64(1);
        }

        return stats.Build();
    }

    /// <inheritdoc />
    public async Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = connection };
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string> { TypedValue = query.TenantId });
        var sql = new StringBuilder($"SELECT {DeadLetterColumns} {DeadLetterFrom}");
        if (query.WorkflowId is not null)
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = query.WorkflowId });
            sql.Append($" AND e.workflow_id = ${p.Count}");
        }

        PostgresKeyset.AppendPage(command, sql, query.Cursor, "t.completed_at", "t.id", limit);
        return await PostgresKeyset.ReadPageAsync(command, ReadDeadLetter, limit, d => d.FailedAt, d => d.TaskId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DeadLetterDetail?> GetDeadLetterAsync(string tenantId, Guid taskId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        DeadLetter letter;
        System.Text.Json.JsonElement? inputs;
        await using (var command = new NpgsqlCommand($"SELECT {DeadLetterColumns} {DeadLetterFrom} AND t.id = $2;", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = taskId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            letter = ReadDeadLetter(reader);
            inputs = GetJsonOrNull(reader, 12);
        }

        var attempts = new List<StepAttemptRecord>();
        await using (var command = new NpgsqlCommand(
            $"SELECT {List(AttemptColumns, null, AttemptColumns.Length - 1)} FROM task_attempts WHERE task_id = $1 ORDER BY attempt;", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = taskId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                attempts.Add(ReadAttempt(reader));
            }
        }

        return new DeadLetterDetail(letter, inputs, attempts);
    }

    /// <inheritdoc />
    public async Task<bool> DiscardDeadLetterAsync(string tenantId, Guid taskId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"UPDATE tasks SET discarded_at = $3 WHERE id IN (SELECT t.id {DeadLetterFrom} AND t.id = $2);", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = taskId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static DeadLetter ReadDeadLetter(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5), GetTextOrNull(r, 6), r.GetString(7),
        (TaskPriority)r.GetInt16(8), GetTextOrNull(r, 9), r.GetInt32(10), GetTime(r, 11));
}
