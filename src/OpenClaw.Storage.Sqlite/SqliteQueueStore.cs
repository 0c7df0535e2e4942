using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteRows;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Queues, pauses, statistics and dead letters on SQLite; every read and write is tenant-scoped.</summary>
public sealed class SqliteQueueStore : IQueueStore
{
    // A dead letter: a failed plugin or delay task that chose no on_failure step, in an execution that is still failed.
    private const string DeadLetterFrom = """
        FROM tasks t JOIN workflow_executions e ON e.id = t.execution_id
        WHERE t.tenant_id = @tenant AND t.status = 'failed' AND t.step_type IN ('plugin', 'delay') AND t.next = '[]'
          AND t.discarded_at IS NULL AND e.status = 'failed'
        """;

    private const string DeadLetterColumns =
        "t.id, t.execution_id, e.workflow_id, e.workflow_version, t.step_key, t.step_id, t.plugin_name, t.queue, t.priority, " +
        "t.error_message, t.retry_count, t.completed_at, t.inputs";

    private readonly SqliteDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public SqliteQueueStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueSummary>> ListQueuesAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        var builder = new QueueSummaryBuilder();
        using (var command = lease.Connection.CreateCommand())
        {
            command.CommandText = """
                SELECT queue, priority, sum(status = 'queued'), sum(status = 'queued' AND run_at > @now), sum(status = 'running')
                FROM tasks WHERE tenant_id = @tenant AND status IN ('queued', 'running') GROUP BY queue, priority;
                """;
            command.Parameters.AddWithValue("@tenant", tenantId);
            command.Parameters.AddWithValue("@now", Time(now));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                builder.AddCounts(reader.GetString(0), (TaskPriority)reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            }
        }

        using (var command = lease.Connection.CreateCommand())
        {
            command.CommandText = "SELECT queue, paused_at FROM queue_pauses WHERE tenant_id = @tenant;";
            command.Parameters.AddWithValue("@tenant", tenantId);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                builder.AddPause(reader.GetString(0), GetTime(reader, 1));
            }
        }

        return builder.Build();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PausedQueue>> ListPausedAsync(CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "SELECT tenant_id, queue, paused_at FROM queue_pauses;";
        using var reader = command.ExecuteReader();
        var paused = new List<PausedQueue>();
        while (reader.Read())
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
        using var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = writer.Connection.CreateCommand();
        command.CommandText = paused
            ? "INSERT OR IGNORE INTO queue_pauses (tenant_id, queue, paused_at) VALUES (@tenant, @queue, @now);"
            : "DELETE FROM queue_pauses WHERE tenant_id = @tenant AND queue = @queue;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@queue", queue);
        command.Parameters.AddWithValue("@now", Time(now));
        return command.ExecuteNonQuery() > 0;
    }

    /// <inheritdoc />
    public async Task<QueueStatistics> GetStatisticsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        var stats = new QueueStatisticsBuilder();
        using (var command = lease.Connection.CreateCommand())
        {
            command.CommandText = """
                SELECT priority, count(*), sum(status = 'succeeded'), sum(status = 'failed'), sum(status = 'queued'),
                       sum(status = 'queued' AND run_at > @now), sum(status = 'running')
                FROM tasks WHERE tenant_id = @tenant AND step_type IN ('plugin', 'delay') GROUP BY priority;
                """;
            command.Parameters.AddWithValue("@tenant", tenantId);
            command.Parameters.AddWithValue("@now", Time(now));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                stats.Add((TaskPriority)reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            }
        }

        using (var command = lease.Connection.CreateCommand())
        {
            command.CommandText = $"SELECT (SELECT count(*) FROM task_attempts WHERE tenant_id = @tenant AND attempt > 1), (SELECT count(*) {DeadLetterFrom});";
            command.Parameters.AddWithValue("@tenant", tenantId);
            using var reader = command.ExecuteReader();
            reader.Read();
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
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {DeadLetterColumns} {DeadLetterFrom}");
        command.Parameters.AddWithValue("@tenant", query.TenantId);
        if (query.WorkflowId is not null)
        {
            sql.Append(" AND e.workflow_id = @workflow");
            command.Parameters.AddWithValue("@workflow", query.WorkflowId);
        }

        SqliteKeyset.AppendPage(command, sql, query.Cursor, "t.completed_at", "t.id", limit);
        return SqliteKeyset.ReadPage(command, ReadDeadLetter, limit, d => d.FailedAt, d => d.TaskId);
    }

    /// <inheritdoc />
    public async Task<DeadLetterDetail?> GetDeadLetterAsync(string tenantId, Guid taskId, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        DeadLetter letter;
        JsonElement? inputs;
        using (var command = lease.Connection.CreateCommand())
        {
            command.CommandText = $"SELECT {DeadLetterColumns} {DeadLetterFrom} AND t.id = @id;";
            command.Parameters.AddWithValue("@tenant", tenantId);
            command.Parameters.AddWithValue("@id", Id(taskId));
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            letter = ReadDeadLetter(reader);
            inputs = GetJsonOrNull(reader, 12);
        }

        var attempts = new List<StepAttemptRecord>();
        using (var command = lease.Connection.CreateCommand())
        {
            command.CommandText = $"SELECT {List(AttemptColumns, null, AttemptColumns.Length - 1)} FROM task_attempts WHERE task_id = @id ORDER BY attempt;";
            command.Parameters.AddWithValue("@id", Id(taskId));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                attempts.Add(ReadAttempt(reader));
            }
        }

        return new DeadLetterDetail(letter, inputs, attempts);
    }

    /// <inheritdoc />
    public async Task<bool> DiscardDeadLetterAsync(string tenantId, Guid taskId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        using var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = writer.Connection.CreateCommand();
        command.CommandText = $"UPDATE tasks SET discarded_at = @now WHERE id IN (SELECT t.id {DeadLetterFrom} AND t.id = @id);";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@id", Id(taskId));
        command.Parameters.AddWithValue("@now", Time(now));
        return command.ExecuteNonQuery() > 0;
    }

    private static DeadLetter ReadDeadLetter(SqliteDataReader r) => new(
        GetId(r, 0), GetId(r, 1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5), GetTextOrNull(r, 6), r.GetString(7),
        (TaskPriority)r.GetInt32(8), GetTextOrNull(r, 9), r.GetInt32(10), GetTime(r, 11));
}
