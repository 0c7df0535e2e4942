using Microsoft.Data.Sqlite;
using Npgsql;

namespace OpenClaw.Bench;

/// <summary>
/// Fills a fresh queue database with finished one-step executions (execution, succeeded task, attempt) and refreshes
/// the planner's statistics, so the queue is measured as a deployment runs it: with history in its indexes and with
/// the statistics autovacuum keeps. Without it every point would start from empty tables whose plans PostgreSQL caches
/// while they are empty (a deployment re-plans after autovacuum's first ANALYZE, within a minute).
/// </summary>
internal static class QueueHistory
{
    private const string PostgresSql = """
        INSERT INTO workflow_executions (id, tenant_id, workflow_id, workflow_version, status, inputs, outputs, priority, "trigger",
                                         revision, created_at, started_at, completed_at)
        SELECT gen_random_uuid(), 'default', 'one', 1, 'succeeded', '{}', '{"value":1}', 2, 'bench', 3,
               now() - make_interval(secs => g), now() - make_interval(secs => g), now() - make_interval(secs => g)
        FROM generate_series(1, $1) AS g;
        INSERT INTO tasks (id, execution_id, tenant_id, step_key, step_id, step_type, plugin_name, status, inputs, outputs, retry_count,
                           priority, run_at, idempotency_key, created_at, started_at, completed_at)
        SELECT gen_random_uuid(), e.id, 'default', 'a', 'a', 'plugin', 'noop', 'succeeded', '{"value":1}', '{"value":1}', 1,
               2, e.created_at, e.id::text || ':a', e.created_at, e.started_at, e.completed_at
        FROM workflow_executions e;
        INSERT INTO task_attempts (task_id, execution_id, attempt, status, inputs, outputs, worker_id, started_at, finished_at, tenant_id)
        SELECT t.id, t.execution_id, 1, 'succeeded', t.inputs, t.outputs, 'history', t.started_at, t.completed_at, 'default'
        FROM tasks t;
        ANALYZE workflow_executions, tasks, task_attempts;
        """;

    private const string SqliteSql = """
        WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < @count)
        INSERT INTO workflow_executions (id, tenant_id, workflow_id, workflow_version, status, inputs, outputs, priority, "trigger",
                                         revision, created_at, started_at, completed_at)
        SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6))),
               'default', 'one', 1, 'succeeded', '{}', '{"value":1}', 2, 'bench', 3, @now - n * 1000, @now - n * 1000, @now - n * 1000
        FROM g;
        INSERT INTO tasks (id, execution_id, tenant_id, step_key, step_id, step_type, plugin_name, status, inputs, outputs, retry_count,
                           priority, run_at, idempotency_key, created_at, started_at, completed_at)
        SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6))),
               e.id, 'default', 'a', 'a', 'plugin', 'noop', 'succeeded', '{"value":1}', '{"value":1}', 1,
               2, e.created_at, e.id || ':a', e.created_at, e.started_at, e.completed_at
        FROM workflow_executions e;
        INSERT INTO task_attempts (task_id, execution_id, attempt, status, inputs, outputs, worker_id, started_at, finished_at, tenant_id)
        SELECT t.id, t.execution_id, 1, 'succeeded', t.inputs, t.outputs, 'history', t.started_at, t.completed_at, 'default'
        FROM tasks t;
        ANALYZE;
        """;

    public static async Task SeedPostgresAsync(string connectionString, int executions)
    {
        if (executions <= 0) return;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in PostgresSql.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var command = new NpgsqlBatchCommand(statement);
            if (statement.Contains("$1", StringComparison.Ordinal)) command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = executions });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
    }

    public static void SeedSqlite(string dataSource, int executions)
    {
        if (executions <= 0) return;
        using var connection = new SqliteConnection($"Data Source={dataSource}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteSql;
        command.Parameters.AddWithValue("@count", executions);
        command.Parameters.AddWithValue("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}
