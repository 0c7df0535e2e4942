using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>
/// Column lists and the record &lt;-&gt; row mapping for each table. A SELECT of <c>*Columns</c> reads back with the matching
/// <c>Read*</c>, and a command whose parameters are <c>@p0..@pN</c> in the same order is filled by the matching <c>Bind*</c>.
/// </summary>
internal static class SqliteRows
{
    public static readonly string[] ExecutionColumns =
    [
        "id", "tenant_id", "workflow_id", "workflow_version", "status", "inputs", "outputs", "error_message", "vars", "priority",
        "parent_execution_id", "parent_step_key", "\"trigger\"", "created_by", "revision", "created_at", "started_at", "completed_at",
        "trace_parent", "retry_of",
    ];

    public static readonly string[] TaskColumns =
    [
        "id", "execution_id", "tenant_id", "step_key", "step_id", "scope_key", "step_type", "plugin_name", "status", "inputs",
        "outputs", "error_message", "next", "state", "retry_count", "priority", "run_at", "lease_owner", "lease_expires_at",
        "idempotency_key", "created_at", "started_at", "completed_at", "queue", "gate",
    ];

    /// <summary>The attempt record's columns, then <c>tenant_id</c> (written from the execution, not part of the record).</summary>
    public static readonly string[] AttemptColumns =
    [
        "task_id", "execution_id", "attempt", "status", "inputs", "outputs", "error_message", "worker_id", "started_at", "finished_at",
        "logs", "tenant_id",
    ];

    public static readonly string[] WorkflowColumns =
    [
        "id", "tenant_id", "name", "description", "definition", "source", "status", "version", "owner_id", "created_at", "updated_at",
    ];

    /// <summary>The ordinal of <c>seq</c> when a query selects <see cref="TaskColumns"/> followed by <c>seq</c>.</summary>
    public static int TaskSeqOrdinal => TaskColumns.Length;

    public static string List(string[] columns, string? alias = null, int? count = null) =>
        string.Join(", ", columns.Take(count ?? columns.Length).Select(c => alias is null ? c : $"{alias}.{c}"));

    public static string Placeholders(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"@p{i}"));

    public static SqliteParameter[] AddParameters(SqliteCommand command, int count)
    {
        var parameters = new SqliteParameter[count];
        for (var i = 0; i < count; i++)
        {
            parameters[i] = command.Parameters.Add($"@p{i}", SqliteType.Text);
        }

        return parameters;
    }

    public static void BindExecution(SqliteParameter[] p, ExecutionRecord e)
    {
        p[0].Value = Id(e.Id);
        p[1].Value = e.TenantId;
        p[2].Value = e.WorkflowId;
        p[3].Value = (long)e.WorkflowVersion;
        p[4].Value = e.Status.ToWire();
        p[5].Value = Json(e.Inputs);
        p[6].Value = Json(e.Outputs);
        p[7].Value = Text(e.Error);
        p[8].Value = Json(e.Vars);
        p[9].Value = (long)e.Priority;
        p[10].Value = Id(e.ParentExecutionId);
        p[11].Value = Text(e.ParentStepKey);
        p[12].Value = e.Trigger;
        p[13].Value = Id(e.CreatedBy);
        p[14].Value = e.Revision;
        p[15].Value = Time(e.CreatedAt);
        p[16].Value = Time(e.StartedAt);
        p[17].Value = Time(e.CompletedAt);
        p[18].Value = Text(e.TraceParent);
        p[19].Value = Id(e.RetryOf);
    }

    public static ExecutionRecord ReadExecution(SqliteDataReader r) => new(
        Id: GetId(r, 0),
        TenantId: r.GetString(1),
        WorkflowId: r.GetString(2),
        WorkflowVersion: r.GetInt32(3),
        Status: StatusExtensions.ParseExecutionStatus(r.GetString(4)),
        Inputs: GetJson(r, 5),
        Outputs: GetJsonOrNull(r, 6),
        Error: GetTextOrNull(r, 7),
        Vars: GetJson(r, 8),
        Priority: (TaskPriority)r.GetInt32(9),
        ParentExecutionId: GetIdOrNull(r, 10),
        ParentStepKey: GetTextOrNull(r, 11),
        Trigger: r.GetString(12),
        CreatedBy: GetIdOrNull(r, 13),
        Revision: r.GetInt64(14),
        CreatedAt: GetTime(r, 15),
        StartedAt: GetTimeOrNull(r, 16),
        CompletedAt: GetTimeOrNull(r, 17))
    {
        TraceParent = GetTextOrNull(r, 18),
        RetryOf = GetIdOrNull(r, 19),
    };

    public static void BindTask(SqliteParameter[] p, StepRunRecord s)
    {
        p[0].Value = Id(s.Id);
        p[1].Value = Id(s.ExecutionId);
        p[2].Value = s.TenantId;
        p[3].Value = s.StepKey;
        p[4].Value = s.StepId;
        p[5].Value = s.ScopeKey;
        p[6].Value = s.StepType;
        p[7].Value = Text(s.PluginName);
        p[8].Value = s.Status.ToWire();
        p[9].Value = Json(s.Inputs);
        p[10].Value = Json(s.Outputs);
        p[11].Value = Text(s.Error);
        p[12].Value = StringList(s.Next);
        p[13].Value = Json(s.State);
        p[14].Value = (long)s.Attempt;
        p[15].Value = (long)s.Priority;
        p[16].Value = Time(s.RunAt);
        p[17].Value = Text(s.LeaseOwner);
        p[18].Value = Time(s.LeaseExpiresAt);
        p[19].Value = s.IdempotencyKey;
        p[20].Value = Time(s.CreatedAt);
        p[21].Value = Time(s.StartedAt);
        p[22].Value = Time(s.CompletedAt);
        p[23].Value = s.Queue;
        p[24].Value = Text(s.Gate?.ToJson());
    }

    public static StepRunRecord ReadTask(SqliteDataReader r) => new(
        Id: GetId(r, 0),
        ExecutionId: GetId(r, 1),
        TenantId: r.GetString(2),
        StepKey: r.GetString(3),
        StepId: r.GetString(4),
        ScopeKey: r.GetString(5),
        StepType: r.GetString(6),
        PluginName: GetTextOrNull(r, 7),
        Status: StatusExtensions.ParseStepRunStatus(r.GetString(8)),
        Inputs: GetJsonOrNull(r, 9),
        Outputs: GetJsonOrNull(r, 10),
        Error: GetTextOrNull(r, 11),
        Next: GetStringList(r, 12),
        State: GetJsonOrNull(r, 13),
        Attempt: r.GetInt32(14),
        Priority: (TaskPriority)r.GetInt32(15),
        RunAt: GetTime(r, 16),
        LeaseOwner: GetTextOrNull(r, 17),
        LeaseExpiresAt: GetTimeOrNull(r, 18),
        IdempotencyKey: r.GetString(19),
        CreatedAt: GetTime(r, 20),
        StartedAt: GetTimeOrNull(r, 21),
        CompletedAt: GetTimeOrNull(r, 22))
    {
        Queue = r.GetString(23),
        Gate = ConcurrencyGate.Parse(GetTextOrNull(r, 24)),
    };

    public static void BindAttempt(SqliteParameter[] p, StepAttemptRecord a, string tenantId)
    {
        p[0].Value = Id(a.TaskId);
        p[1].Value = Id(a.ExecutionId);
        p[2].Value = (long)a.Attempt;
        p[3].Value = a.Status.ToWire();
        p[4].Value = Json(a.Inputs);
        p[5].Value = Json(a.Outputs);
        p[6].Value = Text(a.Error);
        p[7].Value = Text(a.WorkerId);
        p[8].Value = Time(a.StartedAt);
        p[9].Value = Time(a.FinishedAt);
        p[10].Value = Json(a.Logs);
        p[11].Value = tenantId;
    }

    public static StepAttemptRecord ReadAttempt(SqliteDataReader r) => new(
        TaskId: GetId(r, 0),
        ExecutionId: GetId(r, 1),
        Attempt: r.GetInt32(2),
        Status: StatusExtensions.ParseStepRunStatus(r.GetString(3)),
        Inputs: GetJsonOrNull(r, 4),
        Outputs: GetJsonOrNull(r, 5),
        Error: GetTextOrNull(r, 6),
        WorkerId: GetTextOrNull(r, 7),
        StartedAt: GetTime(r, 8),
        FinishedAt: GetTime(r, 9),
        Logs: GetJsonOrNull(r, 10));

    public static void BindWorkflow(SqliteParameter[] p, WorkflowRecord w)
    {
        p[0].Value = w.Id;
        p[1].Value = w.TenantId;
        p[2].Value = w.Name;
        p[3].Value = Text(w.Description);
        p[4].Value = w.Definition;
        p[5].Value = w.Source;
        p[6].Value = w.Status;
        p[7].Value = (long)w.Version;
        p[8].Value = Id(w.OwnerId);
        p[9].Value = Time(w.CreatedAt);
        p[10].Value = Time(w.UpdatedAt);
    }

    public static WorkflowRecord ReadWorkflow(SqliteDataReader r) => new(
        Id: r.GetString(0),
        TenantId: r.GetString(1),
        Name: r.GetString(2),
        Description: GetTextOrNull(r, 3),
        Definition: r.GetString(4),
        Source: r.GetString(5),
        Status: r.GetString(6),
        Version: r.GetInt32(7),
        OwnerId: GetIdOrNull(r, 8),
        CreatedAt: GetTime(r, 9),
        UpdatedAt: GetTime(r, 10))
    {
        PublishedVersion = r.FieldCount > 11 && !r.IsDBNull(11) ? r.GetInt32(11) : null,
        Author = r.FieldCount > 12 ? GetTextOrNull(r, 12) : null,
    };
}
