using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// The engine's hot-path store on PostgreSQL: group commits of transitions and the durable queue on the <c>tasks</c> table.
/// </summary>
/// <remarks>
/// A group commit is one round trip: a batch of set-based statements fed by column arrays (see <c>CommitBatch</c>) in
/// one implicit transaction. A claim is one <c>UPDATE</c> over rows picked with <c>FOR UPDATE SKIP LOCKED</c>, so any
/// number of nodes claim concurrently without blocking each other or receiving the same task. Whatever puts a task in
/// the queue (a commit with a queued step, a lease requeue) also sends <c>NOTIFY openclaw_tasks</c> in its transaction,
/// which PostgreSQL delivers only if it commits; <see cref="PostgresQueueListener"/> turns that into a wake-up.
/// </remarks>
public sealed class PostgresExecutionStore : IExecutionStore
{
    /// <summary>The channel every queued task is announced on.</summary>
    public const string NotificationChannel = "openclaw_tasks";

    /// <summary>
    /// The channel changed executions are announced on (payload: their ids, comma-separated, up to 200 per notification),
    /// for live views and sync webhooks on other nodes.
    /// </summary>
    public const string ExecutionChannel = "openclaw_executions";

    private static readonly string LoadExecutionSql = $"SELECT {List(ExecutionColumns)} FROM workflow_executions WHERE id = $1;";

    private static readonly string LoadStepsSql = $"SELECT {List(TaskColumns)} FROM tasks WHERE execution_id = $1 ORDER BY created_at, seq;";

    private const string NotifyExecutionsSql = "SELECT openclaw_notify_executions($1);";

    // Ends a claim whose data-modifying CTE is named `claimed`: announces the claimed steps' executions on
    // ExecutionChannel (live views show the step start) with one aggregate evaluated once (MATERIALIZED: joined to the
    // claimed rows as a subquery, it was evaluated again for every claimed row), and returns the claimed rows.
    internal const string AnnounceClaimedSql = """
        notified AS MATERIALIZED (
            SELECT openclaw_notify_executions(array_agg(DISTINCT execution_id)) FROM claimed)
        SELECT c.* FROM claimed c CROSS JOIN notified;
        """;

    // The subquery walks ix_tasks_claim (only queued ungated rows, already in claim order), skips rows another claimer
    // has locked and tasks of paused queues, and stops after $4 rows; MATERIALIZED makes it run exactly once.
    private static readonly string ClaimSql = $"""
        WITH picked AS MATERIALIZED (
            SELECT id FROM tasks q
            WHERE status = 'queued' AND gate IS NULL AND run_at <= $3
              AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.tenant_id = q.tenant_id AND p.queue = q.queue)
            ORDER BY priority DESC, run_at, seq
            LIMIT $4
            FOR UPDATE OF q SKIP LOCKED),
        claimed AS (
            UPDATE tasks t
            SET status = 'running', lease_owner = $1, lease_expires_at = $2, started_at = COALESCE(t.started_at, $3)
            FROM picked
            WHERE t.id = picked.id
            RETURNING {List(TaskColumns, "t")}, t.seq),
        {AnnounceClaimedSql}
        """;

    private const string RenewSql =
        "UPDATE tasks SET lease_expires_at = $1 WHERE id = ANY($2) AND status = 'running' AND lease_owner = $3 RETURNING id;";

    // openclaw_notify_tasks runs once per requeued row (the notifications collapse into one), and not at all when none is.
    private const string RequeueSql = """
        WITH requeued AS (
            UPDATE tasks SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, run_at = $1
            WHERE status = 'running' AND (lease_expires_at < $1 OR lease_owner = ANY($2))
            RETURNING 1)
        SELECT count(*)::int FROM requeued WHERE openclaw_notify_tasks($3);
        """;

    private const string ReleaseAllSql = """
        WITH requeued AS (
            UPDATE tasks SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, run_at = $1
            WHERE status = 'running'
            RETURNING 1)
        SELECT count(*)::int FROM requeued WHERE openclaw_notify_tasks($2);
        """;

    // The earliest run_at of each priority is the first entry of that priority's range in ix_tasks_claim: four
    // one-row index probes, whatever the length of the queue. Gated tasks and paused queues are left out: they may be
    // due and still not claimable, and a dispatcher told "due now" would claim in a loop; a freed slot or a resumed
    // queue sends its own wake-up.
    private const string NextDueSql = """
        SELECT min(first.run_at)
        FROM (VALUES (4::smallint), (3::smallint), (2::smallint), (1::smallint)) AS p (priority)
        CROSS JOIN LATERAL (
            SELECT run_at FROM tasks q
            WHERE status = 'queued' AND gate IS NULL AND priority = p.priority
              AND NOT EXISTS (SELECT 1 FROM queue_pauses s WHERE s.tenant_id = q.tenant_id AND s.queue = q.queue)
            ORDER BY run_at, seq
            LIMIT 1) first;
        """;

    // Whether a gated task may be claimable: one probe of ix_tasks_gated, sent with the claim.
    private const string GatedDueSql = "SELECT EXISTS (SELECT 1 FROM tasks WHERE status = 'queued' AND gate IS NOT NULL AND run_at <= $1);";

    private readonly PostgresDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public PostgresExecutionStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    /// <remarks>
    /// One round trip: the execution and its steps are read in one repeatable-read transaction (one snapshot) whose
    /// BEGIN and COMMIT travel in the same batch as the two queries. A worker loads an execution this way for the first
    /// result of each execution another node started, so this is on the hot path of a split deployment.
    /// </remarks>
    public async Task<ExecutionSnapshot?> LoadAsync(Guid executionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ"));
        var execution = new NpgsqlBatchCommand(LoadExecutionSql);
        execution.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = executionId });
        batch.BatchCommands.Add(execution);
        var steps = new NpgsqlBatchCommand(LoadStepsSql);
        steps.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = executionId });
        batch.BatchCommands.Add(steps);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // Npgsql's reader passes over statements that return no rows (BEGIN, COMMIT): it starts at the execution's.
        ExecutionRecord? record = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadExecution(reader) : null;
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var stepRecords = new List<StepRunRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stepRecords.Add(ReadTask(reader));
        }

        // Consumed to the end (COMMIT), so the transaction has ended before the connection goes back to the pool.
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return record is null ? null : new ExecutionSnapshot(record, stepRecords);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A change with no expected revision inserts its execution (an execution with that id already stored is a conflict);
    /// otherwise the execution is updated only if its stored revision equals the expected one. Steps are upserted by id
    /// and attempts by (task, attempt), so replaying a batch is harmless. When the batch queues a task, the workers
    /// listening on <see cref="NotificationChannel"/> are told once it commits. A NUL character in an error message
    /// (which PostgreSQL text cannot hold) is stored as U+FFFD.
    /// </remarks>
    public async Task CommitAsync(IReadOnlyList<ExecutionChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        if (CommitBatch.Build(batch, changes) is { } due)
        {
            var notify = new NpgsqlBatchCommand(CommitBatch.NotifySql);
            notify.Parameters.Add(new NpgsqlParameter<long> { TypedValue = due.ToUnixTimeMilliseconds() });
            batch.BatchCommands.Add(notify);
        }

        SchedulerStatements.Add(batch, changes);
        var changed = new NpgsqlBatchCommand(NotifyExecutionsSql);
        changed.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = changes.Select(c => c.Execution.Id).Distinct().ToArray() });
        batch.BatchCommands.Add(changed);

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == CommitBatch.ConflictSqlState)
        {
            throw new ConcurrencyConflictException(CommitBatch.ConflictingExecution(ex));
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ClaimedTask>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (max == 0)
        {
            return [];
        }

        var expires = now + lease;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        var claim = new NpgsqlBatchCommand(ClaimSql);
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        claim.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(expires), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        batch.BatchCommands.Add(claim);
        var gated = new NpgsqlBatchCommand(GatedDueSql);
        gated.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(gated);

        var claimed = new List<(StepRunRecord Step, long Seq)>(Math.Min(max, 1024));
        bool gatedDue;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed.Add((ReadTask(reader), reader.GetInt64(TaskSeqOrdinal)));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            gatedDue = reader.GetBoolean(0);
        }

        if (gatedDue && claimed.Count < max)
        {
            claimed.AddRange(await PostgresGatedClaim.ClaimAsync(connection, owner, max - claimed.Count, now, expires, cancellationToken).ConfigureAwait(false));
        }

        return ClaimedTask.InQueueOrder(claimed, owner, expires);
    }

    /// <inheritdoc />
    /// <remarks>A lease that expired but was not yet requeued is still held and is renewed.</remarks>
    public async Task<IReadOnlyList<Guid>> RenewLeasesAsync(string owner, IReadOnlyCollection<Guid> taskIds, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(taskIds);
        if (taskIds.Count == 0)
        {
            return [];
        }

        var renewed = new HashSet<Guid>();
        await using (var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = new NpgsqlCommand(RenewSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(until), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. taskIds] });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                renewed.Add(reader.GetGuid(0));
            }
        }

        return [.. taskIds.Distinct().Where(id => !renewed.Contains(id))];
    }

    /// <inheritdoc />
    /// <remarks>
    /// A requeued task becomes due at <paramref name="now"/>; its attempt counter is left to the engine. When any task
    /// went back, the workers listening on <see cref="NotificationChannel"/> are told once the requeue commits.
    /// </remarks>
    public async Task<int> RequeueExpiredAsync(DateTimeOffset now, IReadOnlyCollection<string>? ownersToRelease = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(RequeueSql, connection);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ownersToRelease is { Count: > 0 } ? [.. ownersToRelease] : [] });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now.ToUnixTimeMilliseconds() });
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<int> ReleaseAllLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(ReleaseAllSql, connection);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now.ToUnixTimeMilliseconds() });
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(NextDueSql, connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime due ? new DateTimeOffset(due) : null;
    }

    /// <inheritdoc />
    /// <remarks>Oldest first, so executions resume in the order they started.</remarks>
    public async Task<IReadOnlyList<Guid>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // The WHERE matches the partial index ix_executions_unfinished term for term, so the planner can use it.
        await using var command = new NpgsqlCommand(
            "SELECT id FROM workflow_executions WHERE status IN ('pending', 'running') ORDER BY created_at;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
