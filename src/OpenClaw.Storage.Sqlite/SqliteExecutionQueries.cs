using System.Text;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteRows;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Reporting reads over executions on SQLite, on the reader pool so they never wait for the engine's writes.</summary>
public sealed class SqliteExecutionQueries : IExecutionQueries
{
    private readonly SqliteDatabase _database;

    /// <summary>Creates the queries over <paramref name="database"/> (which it does not own).</summary>
    public SqliteExecutionQueries(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    /// <remarks>Steps in creation order; attempts grouped by step in the same order, then by attempt number.</remarks>
    public async Task<ExecutionDetail?> GetAsync(string tenantId, Guid executionId, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        using var transaction = connection.BeginTransaction(deferred: true);

        ExecutionRecord execution;
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {List(ExecutionColumns)} FROM workflow_executions WHERE id = @id AND tenant_id = @tenant;";
            command.Parameters.AddWithValue("@id", Id(executionId));
            command.Parameters.AddWithValue("@tenant", tenantId);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            execution = ReadExecution(reader);
        }

        var steps = SqliteExecutionStore.ReadSteps(connection, transaction, executionId);

        var attempts = new List<StepAttemptRecord>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText =
                $"SELECT {List(AttemptColumns, "a", AttemptColumns.Length - 1)} FROM task_attempts a LEFT JOIN tasks t ON t.id = a.task_id " +
                "WHERE a.execution_id = @id ORDER BY t.created_at, t.seq, a.task_id, a.attempt;";
            command.Parameters.AddWithValue("@id", Id(executionId));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                attempts.Add(ReadAttempt(reader));
            }
        }

        transaction.Commit();
        return new ExecutionDetail(execution, steps, attempts);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Newest <see cref="ExecutionRecord.CreatedAt"/> first. <see cref="ExecutionQuery.Since"/> is inclusive and
    /// <see cref="ExecutionQuery.Until"/> exclusive (half-open, so consecutive ranges neither overlap nor leave gaps).
    /// <see cref="ExecutionQuery.Limit"/> is capped at 1000.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The limit is less than 1.</exception>
    /// <exception cref="ArgumentException">The cursor is not one this store returned.</exception>
    public async Task<Page<ExecutionRecord>> ListAsync(ExecutionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);

        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {List(ExecutionColumns)} FROM workflow_executions WHERE tenant_id = @tenant");
        command.Parameters.AddWithValue("@tenant", query.TenantId);
        if (query.WorkflowId is not null)
        {
            sql.Append(" AND workflow_id = @workflow");
            command.Parameters.AddWithValue("@workflow", query.WorkflowId);
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            command.Parameters.AddWithValue("@status", status.ToWire());
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND created_at >= @since");
            command.Parameters.AddWithValue("@since", Time(since));
        }

        if (query.Until is { } until)
        {
            sql.Append(" AND created_at < @until");
            command.Parameters.AddWithValue("@until", Time(until));
        }

        if (query.Trigger is not null)
        {
            sql.Append(" AND \"trigger\" = @trigger");
            command.Parameters.AddWithValue("@trigger", query.Trigger);
        }

        if (query.Cursor is not null)
        {
            var (time, id) = KeysetCursor.Decode(query.Cursor);
            sql.Append(" AND (created_at, id) < (@cursor_time, @cursor_id)");
            command.Parameters.AddWithValue("@cursor_time", time);
            command.Parameters.AddWithValue("@cursor_id", id);
        }

        sql.Append(" ORDER BY created_at DESC, id DESC LIMIT @limit;");
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText = sql.ToString();

        var items = new List<ExecutionRecord>(Math.Min(limit + 1, 64));
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(ReadExecution(reader));
            }
        }

        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            var last = items[^1];
            next = KeysetCursor.Encode(Time(last.CreatedAt), last.Id.ToString("D"));
        }

        return new Page<ExecutionRecord>(items, next);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<TaskPriority, long>> CountQueuedAsync(CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "SELECT priority, count(*) FROM tasks WHERE status = 'queued' GROUP BY priority;";
        var counts = new Dictionary<TaskPriority, long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            counts[(TaskPriority)reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return counts;
    }
}
