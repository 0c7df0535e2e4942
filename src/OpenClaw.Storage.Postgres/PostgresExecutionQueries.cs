using System.Data;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>Reporting reads over executions on PostgreSQL, kept apart from the engine's hot path; every read is tenant-scoped.</summary>
public sealed class PostgresExecutionQueries : IExecutionQueries
{
    private readonly PostgresDatabase _database;

    /// <summary>Creates the queries over <paramref name="database"/> (which it does not own).</summary>
    public PostgresExecutionQueries(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    /// <remarks>Steps in creation order; attempts grouped by step in the same order, then by attempt number. One snapshot for all three.</remarks>
    public async Task<ExecutionDetail?> GetAsync(string tenantId, Guid executionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        ExecutionRecord execution;
        await using (var command = new NpgsqlCommand($"SELECT {List(ExecutionColumns)} FROM workflow_executions WHERE id = $1 AND tenant_id = $2;", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = executionId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            execution = ReadExecution(reader);
        }

        var steps = await ReadStepsAsync(connection, transaction, executionId, cancellationToken).ConfigureAwait(false);

        var attempts = new List<StepAttemptRecord>();
        await using (var command = new NpgsqlCommand(
            $"SELECT {List(AttemptColumns, "a", AttemptColumns.Length - 1)} FROM task_attempts a LEFT JOIN tasks t ON t.id = a.task_id " +
            "WHERE a.execution_id = $1 ORDER BY t.created_at, t.seq, a.task_id, a.attempt;",
            connection,
            transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = executionId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                attempts.Add(ReadAttempt(reader));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ExecutionDetail(execution, steps, attempts);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Newest <see cref="ExecutionRecord.CreatedAt"/> first, ties by id. <see cref="ExecutionQuery.Since"/> is inclusive and
    /// <see cref="ExecutionQuery.Until"/> exclusive (half-open, so consecutive ranges neither overlap nor leave gaps).
    /// <see cref="ExecutionQuery.Limit"/> is capped at 1000.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The limit is less than 1.</exception>
    /// <exception cref="ArgumentException">The cursor is not one this store returned.</exception>
    public async Task<Page<ExecutionRecord>> ListAsync(ExecutionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);
        (DateTime Time, Guid Id)? cursor = null;
        if (query.Cursor is not null)
        {
            var (time, id) = KeysetCursor.Decode(query.Cursor);
            if (!Guid.TryParseExact(id, "D", out var executionId))
            {
                throw new ArgumentException("The paging cursor is not valid; pass back the NextCursor of a previous page unchanged.", nameof(query));
            }

            cursor = (Utc(DateTimeOffset.FromUnixTimeMilliseconds(time)), executionId);
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = connection };
        var p = command.Parameters;
        var sql = new StringBuilder($"SELECT {List(ExecutionColumns)} FROM workflow_executions WHERE tenant_id = $1");
        p.Add(new NpgsqlParameter<string> { TypedValue = query.TenantId });
        if (query.WorkflowId is not null)
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = query.WorkflowId });
            sql.Append($" AND workflow_id = ${p.Count}");
        }

        if (query.Status is { } status)
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = status.ToWire() });
            sql.Append($" AND status = ${p.Count}");
        }

        if (query.Since is { } since)
        {
            p.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(since), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            sql.Append($" AND created_at >= ${p.Count}");
        }

        if (query.Until is { } until)
        {
            p.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(until), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            sql.Append($" AND created_at < ${p.Count}");
        }

        if (query.Trigger is not null)
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = query.Trigger });
            sql.Append($" AND \"trigger\" = ${p.Count}");
        }

        if (cursor is var (cursorTime, cursorId))
        {
            p.Add(new NpgsqlParameter<DateTime> { TypedValue = cursorTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            p.Add(new NpgsqlParameter<Guid> { TypedValue = cursorId });
            sql.Append($" AND (created_at, id) < (${p.Count - 1}, ${p.Count})");
        }

        p.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        sql.Append($" ORDER BY created_at DESC, id DESC LIMIT ${p.Count};");
        command.CommandText = sql.ToString();

        var items = new List<ExecutionRecord>(Math.Min(limit + 1, 64));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadExecution(reader));
            }
        }

        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            var last = items[^1];
            next = KeysetCursor.Encode(last.CreatedAt.ToUnixTimeMilliseconds(), last.Id.ToString("D"));
        }

        return new Page<ExecutionRecord>(items, next);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<TaskPriority, long>> CountQueuedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT priority, count(*) FROM tasks WHERE status = 'queued' GROUP BY priority;", connection);
        var counts = new Dictionary<TaskPriority, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[(TaskPriority)reader.GetInt16(0)] = reader.GetInt64(1);
        }

        return counts;
    }
}
