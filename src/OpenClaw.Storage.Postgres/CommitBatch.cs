using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// Turns a group commit into a handful of set-based statements sent as one <see cref="NpgsqlBatch"/>: per segment one
/// statement for the execution rows (inserts, revision-checked updates and the conflict check: a plain statement for one
/// execution, a call of <c>openclaw_write_executions</c> for several), one multi-row upsert of
/// the steps and one of the attempts, each fed by column arrays through <c>unnest</c>; then, when a task was queued, one
/// notification. Without an explicit transaction the whole batch runs in one implicit transaction and one round trip:
/// the first error (a revision conflict raised by <c>openclaw_conflict</c>, a constraint) rolls every statement back.
/// </summary>
/// <remarks>
/// A set-based statement sees each row once, so a batch that touches the same execution twice (two transitions of one
/// execution in a row) is cut into consecutive segments in which every execution appears once; later segments see the
/// earlier ones' writes, as sequential statements would. Within a segment a step or attempt listed twice keeps its
/// first position and its last values, which is what upserting them one by one would leave.
/// </remarks>
internal static class CommitBatch
{
    public const string ConflictSqlState = "OC409";

    // A segment of one execution (the usual group commit under light load) is one simple statement: a plain insert, or an
    // update by primary key and revision; either raises openclaw_conflict when it wrote nothing. Cheaper than the
    // function below (about 70 µs per call on this machine), and planned once like it.
    // $2..$10 are the columns a transition changes, in the same positions as in the update.
    private const string InsertExecutionSql = """
        WITH inserted AS (
            INSERT INTO workflow_executions (id, status, inputs, outputs, error_message, vars, priority, revision, started_at, completed_at,
                                             tenant_id, workflow_id, workflow_version, parent_execution_id, parent_step_key, "trigger",
                                             created_by, created_at, trace_parent, retry_of)
            VALUES ($1, $2, $3::json, $4::json, $5, $6::json, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
            ON CONFLICT (id) DO NOTHING
            RETURNING 1)
        SELECT openclaw_conflict($1) WHERE NOT EXISTS (SELECT 1 FROM inserted);
        """;

    private const string UpdateExecutionSql = """
        WITH updated AS (
            UPDATE workflow_executions
            SET status = $2, inputs = $3::json, outputs = $4::json, error_message = $5, vars = $6::json, priority = $7, revision = $8,
                started_at = $9, completed_at = $10
            WHERE id = $1 AND revision = $11
            RETURNING 1)
        SELECT openclaw_conflict($1) WHERE NOT EXISTS (SELECT 1 FROM updated);
        """;

    // Inserts and revision-checked updates of several execution rows (migration 0007 says why it is a function).
    private const string ExecutionSql =
        "SELECT openclaw_write_executions($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21);";

    // next is sent flattened ($25) with each row's start and length, since unnest cannot take an array of arrays.
    private static readonly string TaskSql = $$"""
        INSERT INTO tasks ({{List(TaskColumns)}})
        SELECT u.id, u.execution_id, u.tenant_id, u.step_key, u.step_id, u.scope_key, u.step_type, u.plugin_name, u.status,
               u.inputs::json, u.outputs::json, u.error_message,
               CASE WHEN u.next_count = 0 THEN '{}'::text[] ELSE ($25::text[])[u.next_start : u.next_start + u.next_count - 1] END,
               u.state::json, u.retry_count, u.priority, u.run_at, u.lease_owner, u.lease_expires_at, u.idempotency_key,
               u.created_at, u.started_at, u.completed_at, u.queue, u.gate
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                    $11::text[], $12::text[], $13::int[], $14::int[], $15::text[], $16::int[], $17::smallint[], $18::timestamptz[], $19::text[],
                    $20::timestamptz[], $21::text[], $22::timestamptz[], $23::timestamptz[], $24::timestamptz[], $26::text[], $27::text[])
            AS u (id, execution_id, tenant_id, step_key, step_id, scope_key, step_type, plugin_name, status, inputs, outputs, error_message,
                  next_start, next_count, state, retry_count, priority, run_at, lease_owner, lease_expires_at, idempotency_key,
                  created_at, started_at, completed_at, queue, gate)
        ON CONFLICT (id) DO UPDATE SET
            plugin_name = excluded.plugin_name, status = excluded.status, inputs = excluded.inputs, outputs = excluded.outputs,
            error_message = excluded.error_message, next = excluded.next, state = excluded.state, retry_count = excluded.retry_count,
            priority = excluded.priority, run_at = excluded.run_at, lease_owner = excluded.lease_owner,
            lease_expires_at = excluded.lease_expires_at, started_at = excluded.started_at, completed_at = excluded.completed_at,
            queue = excluded.queue, gate = excluded.gate,
            discarded_at = CASE WHEN excluded.status = 'failed' THEN tasks.discarded_at END;
        """;

    private static readonly string AttemptSql = $"""
        INSERT INTO task_attempts ({List(AttemptColumns)})
        SELECT u.task_id, u.execution_id, u.attempt, u.status, u.inputs::json, u.outputs::json, u.error_message, u.worker_id,
               u.started_at, u.finished_at, u.logs::json, u.tenant_id
        FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                    $9::timestamptz[], $10::timestamptz[], $11::text[], $12::text[])
            AS u (task_id, execution_id, attempt, status, inputs, outputs, error_message, worker_id, started_at, finished_at, logs, tenant_id)
        ON CONFLICT (task_id, attempt) DO UPDATE SET
            status = excluded.status, inputs = excluded.inputs, outputs = excluded.outputs, error_message = excluded.error_message,
            worker_id = excluded.worker_id, started_at = excluded.started_at, finished_at = excluded.finished_at, logs = excluded.logs;
        """;

    public const string NotifySql = "SELECT openclaw_notify_tasks($1);";

    /// <summary>Adds the statements for <paramref name="changes"/> to <paramref name="batch"/>.</summary>
    /// <returns>The earliest <c>run_at</c> of a queued step among the changes, or null when none queues a task.</returns>
    public static DateTimeOffset? Build(NpgsqlBatch batch, IReadOnlyList<ExecutionChange> changes)
    {
        DateTimeOffset? earliestQueued = null;
        var start = 0;
        var seen = new HashSet<Guid>();
        for (var i = 0; i <= changes.Count; i++)
        {
            if (i < changes.Count)
            {
                var change = changes[i] ?? throw new ArgumentException($"Change {i} of the batch is null.", nameof(changes));
                ArgumentNullException.ThrowIfNull(change.Execution, nameof(changes));
                if (seen.Add(change.Execution.Id))
                {
                    continue;
                }
            }

            AddSegment(batch, changes, start, i, ref earliestQueued);
            start = i;
            seen.Clear();
            if (i < changes.Count)
            {
                seen.Add(changes[i].Execution.Id);
            }
        }

        return earliestQueued;
    }

    private static void AddSegment(NpgsqlBatch batch, IReadOnlyList<ExecutionChange> changes, int start, int end, ref DateTimeOffset? earliestQueued)
    {
        var count = end - start;
        if (count == 0)
        {
            return;
        }

        if (count == 1)
        {
            AddExecution(batch, changes[start]);
        }
        else
        {
            AddExecutions(batch, changes, start, count);
        }

        // Dictionaries keep insertion order while nothing is removed: first position, last values.
        var steps = new Dictionary<Guid, StepRunRecord>();
        var attempts = new Dictionary<(Guid, int), (StepAttemptRecord Attempt, string TenantId)>();
        for (var i = start; i < end; i++)
        {
            var change = changes[i];
            foreach (var step in change.Steps ?? [])
            {
                steps[step.Id] = step;
                if (step.Status == StepRunStatus.Queued && (earliestQueued is null || step.RunAt < earliestQueued))
                {
                    earliestQueued = step.RunAt;
                }
            }

            foreach (var attempt in change.Attempts ?? [])
            {
                attempts[(attempt.TaskId, attempt.Attempt)] = (attempt, change.Execution.TenantId);
            }
        }

        if (steps.Count > 0)
        {
            AddSteps(batch, steps.Values);
        }

        if (attempts.Count > 0)
        {
            AddAttempts(batch, attempts.Values);
        }
    }

    private static void AddExecution(NpgsqlBatch batch, ExecutionChange change)
    {
        var e = change.Execution;
        var command = new NpgsqlBatchCommand(change.ExpectedRevision is null ? InsertExecutionSql : UpdateExecutionSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = e.Id });
        p.Add(Value(e.Status.ToWire(), NpgsqlDbType.Text));
        p.Add(Value(Json(e.Inputs), NpgsqlDbType.Text));
        p.Add(Value(Json(e.Outputs), NpgsqlDbType.Text));
        p.Add(Value(FreeText(e.Error), NpgsqlDbType.Text));
        p.Add(Value(Json(e.Vars), NpgsqlDbType.Text));
        p.Add(new NpgsqlParameter<short> { TypedValue = (short)e.Priority });
        p.Add(new NpgsqlParameter<long> { TypedValue = e.Revision });
        p.Add(Value(Utc(e.StartedAt), NpgsqlDbType.TimestampTz));
        p.Add(Value(Utc(e.CompletedAt), NpgsqlDbType.TimestampTz));
        if (change.ExpectedRevision is { } expected)
        {
            p.Add(new NpgsqlParameter<long> { TypedValue = expected });
        }
        else
        {
            p.Add(Value(e.TenantId, NpgsqlDbType.Text));
            p.Add(Value(e.WorkflowId, NpgsqlDbType.Text));
            p.Add(new NpgsqlParameter<int> { TypedValue = e.WorkflowVersion });
            p.Add(Value(e.ParentExecutionId, NpgsqlDbType.Uuid));
            p.Add(Value(e.ParentStepKey, NpgsqlDbType.Text));
            p.Add(Value(e.Trigger, NpgsqlDbType.Text));
            p.Add(Value(e.CreatedBy, NpgsqlDbType.Uuid));
            p.Add(Value(Utc(e.CreatedAt), NpgsqlDbType.TimestampTz));
            p.Add(Value(e.TraceParent, NpgsqlDbType.Text));
            p.Add(Value(e.RetryOf, NpgsqlDbType.Uuid));
        }

        batch.BatchCommands.Add(command);
    }

    private static NpgsqlParameter Value(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private static void AddExecutions(NpgsqlBatch batch, IReadOnlyList<ExecutionChange> changes, int start, int count)
    {
        var id = new Guid[count];
        var tenant = new string[count];
        var workflow = new string[count];
        var workflowVersion = new int[count];
        var status = new string[count];
        var inputs = new string?[count];
        var outputs = new string?[count];
        var error = new string?[count];
        var vars = new string?[count];
        var priority = new short[count];
        var parent = new Guid?[count];
        var parentStep = new string?[count];
        var trigger = new string[count];
        var createdBy = new Guid?[count];
        var revision = new long[count];
        var createdAt = new DateTime[count];
        var startedAt = new DateTime?[count];
        var completedAt = new DateTime?[count];
        var expected = new long?[count];
        var traceParent = new string?[count];
        var retryOf = new Guid?[count];
        for (var n = 0; n < count; n++)
        {
            var change = changes[start + n];
            var e = change.Execution;
            id[n] = e.Id;
            tenant[n] = e.TenantId;
            workflow[n] = e.WorkflowId;
            workflowVersion[n] = e.WorkflowVersion;
            status[n] = e.Status.ToWire();
            inputs[n] = Json(e.Inputs);
            outputs[n] = Json(e.Outputs);
            error[n] = FreeText(e.Error);
            vars[n] = Json(e.Vars);
            priority[n] = (short)e.Priority;
            parent[n] = e.ParentExecutionId;
            parentStep[n] = e.ParentStepKey;
            trigger[n] = e.Trigger;
            createdBy[n] = e.CreatedBy;
            revision[n] = e.Revision;
            createdAt[n] = Utc(e.CreatedAt);
            startedAt[n] = Utc(e.StartedAt);
            completedAt[n] = Utc(e.CompletedAt);
            expected[n] = change.ExpectedRevision;
            traceParent[n] = e.TraceParent;
            retryOf[n] = e.RetryOf;
        }

        var command = new NpgsqlBatchCommand(ExecutionSql);
        var p = command.Parameters;
        p.Add(Array(id, NpgsqlDbType.Uuid));
        p.Add(Array(tenant, NpgsqlDbType.Text));
        p.Add(Array(workflow, NpgsqlDbType.Text));
        p.Add(Array(workflowVersion, NpgsqlDbType.Integer));
        p.Add(Array(status, NpgsqlDbType.Text));
        p.Add(Array(inputs, NpgsqlDbType.Text));
        p.Add(Array(outputs, NpgsqlDbType.Text));
        p.Add(Array(error, NpgsqlDbType.Text));
        p.Add(Array(vars, NpgsqlDbType.Text));
        p.Add(Array(priority, NpgsqlDbType.Smallint));
        p.Add(Array(parent, NpgsqlDbType.Uuid));
        p.Add(Array(parentStep, NpgsqlDbType.Text));
        p.Add(Array(trigger, NpgsqlDbType.Text));
        p.Add(Array(createdBy, NpgsqlDbType.Uuid));
        p.Add(Array(revision, NpgsqlDbType.Bigint));
        p.Add(Array(createdAt, NpgsqlDbType.TimestampTz));
        p.Add(Array(startedAt, NpgsqlDbType.TimestampTz));
        p.Add(Array(completedAt, NpgsqlDbType.TimestampTz));
        p.Add(Array(expected, NpgsqlDbType.Bigint));
        p.Add(Array(traceParent, NpgsqlDbType.Text));
        p.Add(Array(retryOf, NpgsqlDbType.Uuid));
        batch.BatchCommands.Add(command);
    }

    private static void AddSteps(NpgsqlBatch batch, IReadOnlyCollection<StepRunRecord> steps)
    {
        var count = steps.Count;
        var id = new Guid[count];
        var execution = new Guid[count];
        var tenant = new string[count];
        var stepKey = new string[count];
        var stepId = new string[count];
        var scopeKey = new string[count];
        var stepType = new string[count];
        var plugin = new string?[count];
        var status = new string[count];
        var inputs = new string?[count];
        var outputs = new string?[count];
        var error = new string?[count];
        var nextStart = new int[count];
        var nextCount = new int[count];
        var state = new string?[count];
        var attempt = new int[count];
        var priority = new short[count];
        var runAt = new DateTime[count];
        var leaseOwner = new string?[count];
        var leaseExpires = new DateTime?[count];
        var idempotency = new string[count];
        var createdAt = new DateTime[count];
        var startedAt = new DateTime?[count];
        var completedAt = new DateTime?[count];
        var queue = new string[count];
        var gate = new string?[count];
        var next = new List<string>();
        var n = 0;
        foreach (var s in steps)
        {
            id[n] = s.Id;
            execution[n] = s.ExecutionId;
            tenant[n] = s.TenantId;
            stepKey[n] = s.StepKey;
            stepId[n] = s.StepId;
            scopeKey[n] = s.ScopeKey ?? "";
            stepType[n] = s.StepType;
            plugin[n] = s.PluginName;
            status[n] = s.Status.ToWire();
            inputs[n] = Json(s.Inputs);
            outputs[n] = Json(s.Outputs);
            error[n] = FreeText(s.Error);
            nextStart[n] = next.Count + 1;
            nextCount[n] = s.Next?.Count ?? 0;
            if (s.Next is { Count: > 0 })
            {
                next.AddRange(s.Next);
            }

            state[n] = Json(s.State);
            attempt[n] = s.Attempt;
            priority[n] = (short)s.Priority;
            runAt[n] = Utc(s.RunAt);
            leaseOwner[n] = s.LeaseOwner;
            leaseExpires[n] = Utc(s.LeaseExpiresAt);
            idempotency[n] = s.IdempotencyKey;
            createdAt[n] = Utc(s.CreatedAt);
            startedAt[n] = Utc(s.StartedAt);
            completedAt[n] = Utc(s.CompletedAt);
            queue[n] = s.Queue;
            gate[n] = s.Gate?.ToJson();
            n++;
        }

        var command = new NpgsqlBatchCommand(TaskSql);
        var p = command.Parameters;
        p.Add(Array(id, NpgsqlDbType.Uuid));
        p.Add(Array(execution, NpgsqlDbType.Uuid));
        p.Add(Array(tenant, NpgsqlDbType.Text));
        p.Add(Array(stepKey, NpgsqlDbType.Text));
        p.Add(Array(stepId, NpgsqlDbType.Text));
        p.Add(Array(scopeKey, NpgsqlDbType.Text));
        p.Add(Array(stepType, NpgsqlDbType.Text));
        p.Add(Array(plugin, NpgsqlDbType.Text));
        p.Add(Array(status, NpgsqlDbType.Text));
        p.Add(Array(inputs, NpgsqlDbType.Text));
        p.Add(Array(outputs, NpgsqlDbType.Text));
        p.Add(Array(error, NpgsqlDbType.Text));
        p.Add(Array(nextStart, NpgsqlDbType.Integer));
        p.Add(Array(nextCount, NpgsqlDbType.Integer));
        p.Add(Array(state, NpgsqlDbType.Text));
        p.Add(Array(attempt, NpgsqlDbType.Integer));
        p.Add(Array(priority, NpgsqlDbType.Smallint));
        p.Add(Array(runAt, NpgsqlDbType.TimestampTz));
        p.Add(Array(leaseOwner, NpgsqlDbType.Text));
        p.Add(Array(leaseExpires, NpgsqlDbType.TimestampTz));
        p.Add(Array(idempotency, NpgsqlDbType.Text));
        p.Add(Array(createdAt, NpgsqlDbType.TimestampTz));
        p.Add(Array(startedAt, NpgsqlDbType.TimestampTz));
        p.Add(Array(completedAt, NpgsqlDbType.TimestampTz));
        p.Add(Array(next.ToArray(), NpgsqlDbType.Text));
        p.Add(Array(queue, NpgsqlDbType.Text));
        p.Add(Array(gate, NpgsqlDbType.Text));
        batch.BatchCommands.Add(command);
    }

    private static void AddAttempts(NpgsqlBatch batch, IReadOnlyCollection<(StepAttemptRecord Attempt, string TenantId)> attempts)
    {
        var count = attempts.Count;
        var task = new Guid[count];
        var execution = new Guid[count];
        var number = new int[count];
        var status = new string[count];
        var inputs = new string?[count];
        var outputs = new string?[count];
        var error = new string?[count];
        var worker = new string?[count];
        var startedAt = new DateTime[count];
        var finishedAt = new DateTime[count];
        var logs = new string?[count];
        var tenant = new string[count];
        var n = 0;
        foreach (var (a, tenantId) in attempts)
        {
            task[n] = a.TaskId;
            execution[n] = a.ExecutionId;
            number[n] = a.Attempt;
            status[n] = a.Status.ToWire();
            inputs[n] = Json(a.Inputs);
            outputs[n] = Json(a.Outputs);
            error[n] = FreeText(a.Error);
            worker[n] = a.WorkerId;
            startedAt[n] = Utc(a.StartedAt);
            finishedAt[n] = Utc(a.FinishedAt);
            logs[n] = Json(a.Logs);
            tenant[n] = tenantId;
            n++;
        }

        var command = new NpgsqlBatchCommand(AttemptSql);
        var p = command.Parameters;
        p.Add(Array(task, NpgsqlDbType.Uuid));
        p.Add(Array(execution, NpgsqlDbType.Uuid));
        p.Add(Array(number, NpgsqlDbType.Integer));
        p.Add(Array(status, NpgsqlDbType.Text));
        p.Add(Array(inputs, NpgsqlDbType.Text));
        p.Add(Array(outputs, NpgsqlDbType.Text));
        p.Add(Array(error, NpgsqlDbType.Text));
        p.Add(Array(worker, NpgsqlDbType.Text));
        p.Add(Array(startedAt, NpgsqlDbType.TimestampTz));
        p.Add(Array(finishedAt, NpgsqlDbType.TimestampTz));
        p.Add(Array(logs, NpgsqlDbType.Text));
        p.Add(Array(tenant, NpgsqlDbType.Text));
        batch.BatchCommands.Add(command);
    }

    /// <summary>
    /// Error messages come from plugins and may hold a NUL character, which PostgreSQL text cannot store; refusing it would
    /// fail the whole group commit again at every retry, so it is replaced with U+FFFD.
    /// </summary>
    private static string? FreeText(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;

    /// <summary>The execution named by a conflict that <c>openclaw_conflict</c> raised.</summary>
    public static Guid ConflictingExecution(PostgresException exception)
    {
        var text = exception.MessageText;
        var space = text.LastIndexOf(' ');
        return space >= 0 && Guid.TryParse(text.AsSpan(space + 1), out var id) ? id : Guid.Empty;
    }
}
