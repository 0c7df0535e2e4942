using Npgsql;

namespace OpenClaw.Deploy.Tests.Chaos;

/// <summary>What the database says happened, read after the run: the proof the chaos test asserts on.</summary>
internal sealed class FleetAudit(string connectionString)
{
    /// <summary>Executions of the workflow that are not finished yet, and all of them.</summary>
    public async Task<(long Unfinished, long All)> ProgressAsync(string workflowId)
    {
        var row = (await QueryAsync(
            "SELECT count(*) FILTER (WHERE status IN ('pending', 'running')), count(*) FROM workflow_executions WHERE workflow_id = @workflow",
            r => (r.GetInt64(0), r.GetInt64(1)), ("workflow", workflowId))).Single();
        return row;
    }

    public Task<Dictionary<Guid, string>> ExecutionStatusesAsync(string workflowId) => QueryAsync(
        "SELECT id, status FROM workflow_executions WHERE workflow_id = @workflow", r => (r.GetGuid(0), r.GetString(1)), ("workflow", workflowId))
        .ContinueWith(t => t.Result.ToDictionary(x => x.Item1, x => x.Item2), TaskScheduler.Default);

    /// <summary>Tasks per step and status.</summary>
    public Task<List<(string Step, string Status, long Count)>> TasksByStepAsync(string workflowId) => QueryAsync(
        "SELECT t.step_key, t.status, count(*) FROM tasks t JOIN workflow_executions e ON e.id = t.execution_id " +
        "WHERE e.workflow_id = @workflow GROUP BY t.step_key, t.status ORDER BY t.step_key, t.status",
        r => (r.GetString(0), r.GetString(1), r.GetInt64(2)), ("workflow", workflowId));

    /// <summary>
    /// The step history per task: succeeded attempts, all attempt rows, and attempts that started after the task's
    /// committed completion (a completed step running again).
    /// </summary>
    public Task<List<TaskHistory>> TaskHistoriesAsync(string workflowId) => QueryAsync(
        """
        SELECT t.id, t.step_key,
               count(a.task_id) FILTER (WHERE a.status = 'succeeded'),
               count(a.task_id),
               count(a.task_id) FILTER (WHERE a.started_at > done.finished_at)
        FROM tasks t
        JOIN workflow_executions e ON e.id = t.execution_id
        LEFT JOIN task_attempts a ON a.task_id = t.id
        LEFT JOIN LATERAL (SELECT min(x.finished_at) AS finished_at FROM task_attempts x WHERE x.task_id = t.id AND x.status = 'succeeded') done ON true
        WHERE e.workflow_id = @workflow
        GROUP BY t.id, t.step_key
        """,
        r => new TaskHistory(r.GetGuid(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), ("workflow", workflowId));

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }
}

/// <summary>One task's attempts: succeeded ones, all rows, and rows that started after the task had succeeded.</summary>
internal sealed record TaskHistory(Guid TaskId, string Step, long Succeeded, long Attempts, long StartedAfterCompletion);
