using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// Column lists, the row -&gt; record mapping for each table, and the conversions between record values and parameters:
/// times as UTC <c>timestamptz</c> truncated to the millisecond (what SQLite stores), JSON as the exact text it was
/// parsed from, absent values as NULL.
/// </summary>
internal static class PostgresRows
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

    // ---- values -> parameters ----

    /// <summary>A UTC <see cref="DateTime"/> truncated to the millisecond, as SQLite stores times, so both backends read back the same value.</summary>
    public static DateTime Utc(DateTimeOffset value) =>
        new(DateTime.UnixEpoch.Ticks + (value.ToUnixTimeMilliseconds() * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    public static DateTime? Utc(DateTimeOffset? value) => value is { } time ? Utc(time) : null;

    /// <summary>The raw text keeps the author's formatting and escapes, so a value reads back byte for byte.</summary>
    public static string? Json(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? null : value.GetRawText();

    public static string? Json(JsonElement? value) => value is { } element ? Json(element) : null;

    public static NpgsqlParameter Parameter<T>(T value, NpgsqlDbType type) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = type };

    public static NpgsqlParameter Array<T>(T[] values, NpgsqlDbType elementType) => new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };

    // ---- rows -> records ----

    public static DateTimeOffset GetTime(NpgsqlDataReader reader, int ordinal) => new(reader.GetFieldValue<DateTime>(ordinal));

    public static DateTimeOffset? GetTimeOrNull(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(ordinal));

    public static Guid? GetIdOrNull(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);

    public static string? GetTextOrNull(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A NULL column reads as <c>default(JsonElement)</c> (kind Undefined), the value it was written from.</summary>
    public static JsonElement GetJson(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? default : ParseJson(reader.GetString(ordinal));

    public static JsonElement? GetJsonOrNull(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ParseJson(reader.GetString(ordinal));

    private static JsonElement ParseJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static ExecutionRecord ReadExecution(NpgsqlDataReader r) => new(
        Id: r.GetGuid(0),
        TenantId: r.GetString(1),
        WorkflowId: r.GetString(2),
        WorkflowVersion: r.GetInt32(3),
        Status: StatusExtensions.ParseExecutionStatus(r.GetString(4)),
        Inputs: GetJson(r, 5),
        Outputs: GetJsonOrNull(r, 6),
        Error: GetTextOrNull(r, 7),
        Vars: GetJson(r, 8),
        Priority: (TaskPriority)r.GetInt16(9),
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

    public static StepRunRecord ReadTask(NpgsqlDataReader r) => new(
        Id: r.GetGuid(0),
        ExecutionId: r.GetGuid(1),
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
        Next: r.IsDBNull(12) ? [] : r.GetFieldValue<string[]>(12),
        State: GetJsonOrNull(r, 13),
        Attempt: r.GetInt32(14),
        Priority: (TaskPriority)r.GetInt16(15),
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

    public static StepAttemptRecord ReadAttempt(NpgsqlDataReader r) => new(
        TaskId: r.GetGuid(0),
        ExecutionId: r.GetGuid(1),
        Attempt: r.GetInt32(2),
        Status: StatusExtensions.ParseStepRunStatus(r.GetString(3)),
        Inputs: GetJsonOrNull(r, 4),
        Outputs: GetJsonOrNull(r, 5),
        Error: GetTextOrNull(r, 6),
        WorkerId: GetTextOrNull(r, 7),
        StartedAt: GetTime(r, 8),
        FinishedAt: GetTime(r, 9),
        Logs: GetJsonOrNull(r, 10));

    public static WorkflowRecord ReadWorkflow(NpgsqlDataReader r) => new(
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

    /// <summary>Reads every step of an execution in creation order (the order <see cref="IExecutionStore.LoadAsync"/> returns).</summary>
    public static async Task<List<StepRunRecord>> ReadStepsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid executionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {List(TaskColumns)} FROM tasks WHERE execution_id = $1 ORDER BY created_at, seq;", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = executionId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var steps = new List<StepRunRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            steps.Add(ReadTask(reader));
        }

        return steps;
    }
}
