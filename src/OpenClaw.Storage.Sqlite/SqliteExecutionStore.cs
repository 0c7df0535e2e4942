using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteRows;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>
/// The engine's hot-path store on SQLite: group commits of transitions and the durable queue on the <c>tasks</c> table.
/// </summary>
/// <remarks>
/// Writes run on the database's single writer connection with statements prepared once and reused, so a batch of
/// hundreds of changes costs one transaction and one WAL sync. A claim is a single <c>UPDATE ... RETURNING</c>: SQLite
/// runs it under its write lock, so two claimers (threads or processes) can never receive the same task.
/// </remarks>
public sealed class SqliteExecutionStore : IExecutionStore
{
    private readonly SqliteDatabase _database;

    // Bound to the writer connection; created and used only while holding the writer lock.
    private WriterCommands? _commands;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public SqliteExecutionStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<ExecutionSnapshot?> LoadAsync(Guid executionId, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;

        // One read transaction, so the execution and its steps come from the same snapshot.
        using var transaction = connection.BeginTransaction(deferred: true);
        ExecutionRecord execution;
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {List(ExecutionColumns)} FROM workflow_executions WHERE id = @id;";
            command.Parameters.AddWithValue("@id", Id(executionId));
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            execution = ReadExecution(reader);
        }

        var steps = ReadSteps(connection, transaction, executionId);
        transaction.Commit();
        return new ExecutionSnapshot(execution, steps);
    }

    internal static List<StepRunRecord> ReadSteps(SqliteConnection connection, SqliteTransaction transaction, Guid executionId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {List(TaskColumns)} FROM tasks WHERE execution_id = @id ORDER BY created_at, seq;";
        command.Parameters.AddWithValue("@id", Id(executionId));
        using var reader = command.ExecuteReader();
        var steps = new List<StepRunRecord>();
        while (reader.Read())
        {
            steps.Add(ReadTask(reader));
        }

        return steps;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A change with no expected revision inserts its execution (an execution with that id already stored is a conflict);
    /// otherwise the execution is updated only if its stored revision equals the expected one. Steps are upserted by id
    /// and attempts by (task, attempt), so replaying a batch is harmless.
    /// </remarks>
    public async Task CommitAsync(IReadOnlyList<ExecutionChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        var commands = Commands(lease.Connection);

        // BEGIN IMMEDIATE: takes the file's write lock up front, so another process makes us wait at the start
        // (busy_timeout) instead of failing halfway through the batch.
        using var transaction = lease.Connection.BeginTransaction();
        commands.Enlist(transaction);
        try
        {
            foreach (var change in changes)
            {
                var execution = change.Execution;
                if (change.ExpectedRevision is { } expected)
                {
                    BindExecution(commands.UpdateExecutionParameters, execution);
                    commands.ExpectedRevision.Value = expected;
                    if (commands.UpdateExecution.ExecuteNonQuery() == 0)
                    {
                        throw new ConcurrencyConflictException(execution.Id);
                    }
                }
                else
                {
                    BindExecution(commands.InsertExecutionParameters, execution);
                    if (commands.InsertExecution.ExecuteNonQuery() == 0)
                    {
                        throw new ConcurrencyConflictException(execution.Id);
                    }
                }

                foreach (var step in change.Steps)
                {
                    BindTask(commands.UpsertTaskParameters, step);
                    commands.UpsertTask.ExecuteNonQuery();
                }

                foreach (var attempt in change.Attempts)
                {
                    BindAttempt(commands.UpsertAttemptParameters, attempt, execution.TenantId);
                    commands.UpsertAttempt.ExecuteNonQuery();
                }

                SqliteSchedulerStatements.Apply(lease.Connection, transaction, change);
            }

            transaction.Commit();
        }
        finally
        {
            // Disposing the transaction (above, on the way out) rolls back anything not committed.
            commands.Enlist(null);
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
        using var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        var commands = Commands(writer.Connection);
        commands.ClaimOwner.Value = owner;
        commands.ClaimExpires.Value = Time(expires);
        commands.ClaimNow.Value = Time(now);
        commands.ClaimMax.Value = (long)max;

        var claimed = new List<(StepRunRecord Step, long Seq)>(max);
        using (var reader = commands.Claim.ExecuteReader())
        {
            while (reader.Read())
            {
                claimed.Add((ReadTask(reader), reader.GetInt64(TaskSeqOrdinal)));
            }
        }

        if (claimed.Count < max)
        {
            // Under the writer lock: nothing else can take or release a slot meanwhile.
            claimed.AddRange(SqliteSchedulerStatements.ClaimGated(writer.Connection, owner, max - claimed.Count, now, expires));
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
        using (var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false))
        {
            var commands = Commands(writer.Connection);
            commands.RenewOwner.Value = owner;
            commands.RenewUntil.Value = Time(until);
            commands.RenewIds.Value = IdList(taskIds);
            using var reader = commands.Renew.ExecuteReader();
            while (reader.Read())
            {
                renewed.Add(GetId(reader, 0));
            }
        }

        return [.. taskIds.Distinct().Where(id => !renewed.Contains(id))];
    }

    /// <inheritdoc />
    /// <remarks>A requeued task becomes due at <paramref name="now"/>; its attempt counter is left to the engine.</remarks>
    public async Task<int> RequeueExpiredAsync(DateTimeOffset now, IReadOnlyCollection<string>? ownersToRelease = null, CancellationToken cancellationToken = default)
    {
        using var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        var commands = Commands(writer.Connection);
        commands.RequeueNow.Value = Time(now);
        commands.RequeueOwners.Value = ownersToRelease is { Count: > 0 } ? JsonSerializer.Serialize(ownersToRelease) : "[]";
        return commands.Requeue.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public async Task<int> ReleaseAllLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        using var writer = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = writer.Connection.CreateCommand();
        command.CommandText = "UPDATE tasks SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, run_at = @now WHERE status = 'running';";
        command.Parameters.AddWithValue("@now", Time(now));
        return command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        // Gated tasks and paused queues may be due and still not claimable; a dispatcher told "due now" would claim in a
        // loop. A freed slot or a resumed queue wakes the dispatcher itself.
        command.CommandText = "SELECT run_at FROM tasks q WHERE status = 'queued' AND gate IS NULL " +
            "AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.tenant_id = q.tenant_id AND p.queue = q.queue) ORDER BY run_at LIMIT 1;";
        return command.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <inheritdoc />
    /// <remarks>Oldest first, so executions resume in the order they started.</remarks>
    public async Task<IReadOnlyList<Guid>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();

        // The WHERE matches the partial index ix_executions_unfinished term for term, so SQLite uses it.
        command.CommandText = "SELECT id FROM workflow_executions WHERE status IN ('pending', 'running') ORDER BY created_at;";
        using var reader = command.ExecuteReader();
        var ids = new List<Guid>();
        while (reader.Read())
        {
            ids.Add(GetId(reader, 0));
        }

        return ids;
    }

    private WriterCommands Commands(SqliteConnection writer)
    {
        if (_commands is null || !ReferenceEquals(_commands.Connection, writer))
        {
            // Not disposed here: closing a connection finalizes the statements of every command created on it.
            _commands = new WriterCommands(writer);
        }

        return _commands;
    }

    /// <summary>The hot statements, prepared once on the writer connection and re-bound for every row.</summary>
    private sealed class WriterCommands
    {
        private static readonly string InsertExecutionSql =
            $"INSERT INTO workflow_executions ({List(ExecutionColumns)}) VALUES ({Placeholders(ExecutionColumns.Length)}) ON CONFLICT (id) DO NOTHING;";

        // Only the columns a transition can change: SQLite then leaves indexes on the others untouched.
        private const string UpdateExecutionSql =
            "UPDATE workflow_executions SET status = @p4, inputs = @p5, outputs = @p6, error_message = @p7, vars = @p8, priority = @p9, " +
            "revision = @p14, started_at = @p16, completed_at = @p17 WHERE id = @p0 AND revision = @expected;";

        private static readonly string UpsertTaskSql =
            $"INSERT INTO tasks ({List(TaskColumns)}) VALUES ({Placeholders(TaskColumns.Length)}) " +
            "ON CONFLICT (id) DO UPDATE SET plugin_name = excluded.plugin_name, status = excluded.status, inputs = excluded.inputs, " +
            "outputs = excluded.outputs, error_message = excluded.error_message, next = excluded.next, state = excluded.state, " +
            "retry_count = excluded.retry_count, priority = excluded.priority, run_at = excluded.run_at, lease_owner = excluded.lease_owner, " +
            "lease_expires_at = excluded.lease_expires_at, started_at = excluded.started_at, completed_at = excluded.completed_at, " +
            "queue = excluded.queue, gate = excluded.gate, discarded_at = CASE WHEN excluded.status = 'failed' THEN tasks.discarded_at END;";

        private static readonly string UpsertAttemptSql =
            $"INSERT INTO task_attempts ({List(AttemptColumns)}) VALUES ({Placeholders(AttemptColumns.Length)}) " +
            "ON CONFLICT (task_id, attempt) DO UPDATE SET status = excluded.status, inputs = excluded.inputs, outputs = excluded.outputs, " +
            "error_message = excluded.error_message, worker_id = excluded.worker_id, started_at = excluded.started_at, finished_at = excluded.finished_at, " +
            "logs = excluded.logs;";

        // The subquery walks ix_tasks_claim (only queued rows, already in claim order) and stops after @max rows;
        // seq is the rowid, so the outer lookup is direct.
        private static readonly string ClaimSql =
            "UPDATE tasks SET status = 'running', lease_owner = @owner, lease_expires_at = @expires, started_at = COALESCE(started_at, @now) " +
            "WHERE seq IN (SELECT seq FROM tasks q WHERE status = 'queued' AND gate IS NULL AND run_at <= @now " +
            "AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.tenant_id = q.tenant_id AND p.queue = q.queue) " +
            "ORDER BY priority DESC, run_at, seq LIMIT @max) " +
            $"RETURNING {List(TaskColumns)}, seq;";

        private const string RenewSql =
            "UPDATE tasks SET lease_expires_at = @until " +
            "WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'running' AND lease_owner = @owner RETURNING id;";

        private const string RequeueSql =
            "UPDATE tasks SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, run_at = @now " +
            "WHERE status = 'running' AND (lease_expires_at < @now OR lease_owner IN (SELECT value FROM json_each(@owners)));";

        private readonly SqliteCommand[] _all;

        public WriterCommands(SqliteConnection connection)
        {
            Connection = connection;

            InsertExecution = Create(InsertExecutionSql);
            InsertExecutionParameters = AddParameters(InsertExecution, ExecutionColumns.Length);

            UpdateExecution = Create(UpdateExecutionSql);
            UpdateExecutionParameters = AddParameters(UpdateExecution, ExecutionColumns.Length);
            ExpectedRevision = UpdateExecution.Parameters.Add("@expected", SqliteType.Integer);

            UpsertTask = Create(UpsertTaskSql);
            UpsertTaskParameters = AddParameters(UpsertTask, TaskColumns.Length);

            UpsertAttempt = Create(UpsertAttemptSql);
            UpsertAttemptParameters = AddParameters(UpsertAttempt, AttemptColumns.Length);

            Claim = Create(ClaimSql);
            ClaimOwner = Claim.Parameters.Add("@owner", SqliteType.Text);
            ClaimExpires = Claim.Parameters.Add("@expires", SqliteType.Integer);
            ClaimNow = Claim.Parameters.Add("@now", SqliteType.Integer);
            ClaimMax = Claim.Parameters.Add("@max", SqliteType.Integer);

            Renew = Create(RenewSql);
            RenewOwner = Renew.Parameters.Add("@owner", SqliteType.Text);
            RenewUntil = Renew.Parameters.Add("@until", SqliteType.Integer);
            RenewIds = Renew.Parameters.Add("@ids", SqliteType.Text);

            Requeue = Create(RequeueSql);
            RequeueNow = Requeue.Parameters.Add("@now", SqliteType.Integer);
            RequeueOwners = Requeue.Parameters.Add("@owners", SqliteType.Text);

            _all = [InsertExecution, UpdateExecution, UpsertTask, UpsertAttempt, Claim, Renew, Requeue];
            foreach (var command in _all)
            {
                command.Prepare();
            }

            SqliteCommand Create(string sql)
            {
                var command = connection.CreateCommand();
                command.CommandText = sql;
                return command;
            }
        }

        public SqliteConnection Connection { get; }

        public SqliteCommand InsertExecution { get; }

        public SqliteParameter[] InsertExecutionParameters { get; }

        public SqliteCommand UpdateExecution { get; }

        public SqliteParameter[] UpdateExecutionParameters { get; }

        public SqliteParameter ExpectedRevision { get; }

        public SqliteCommand UpsertTask { get; }

        public SqliteParameter[] UpsertTaskParameters { get; }

        public SqliteCommand UpsertAttempt { get; }

        public SqliteParameter[] UpsertAttemptParameters { get; }

        public SqliteCommand Claim { get; }

        public SqliteParameter ClaimOwner { get; }

        public SqliteParameter ClaimExpires { get; }

        public SqliteParameter ClaimNow { get; }

        public SqliteParameter ClaimMax { get; }

        public SqliteCommand Renew { get; }

        public SqliteParameter RenewOwner { get; }

        public SqliteParameter RenewUntil { get; }

        public SqliteParameter RenewIds { get; }

        public SqliteCommand Requeue { get; }

        public SqliteParameter RequeueNow { get; }

        public SqliteParameter RequeueOwners { get; }

        /// <summary>Microsoft.Data.Sqlite requires each command to name the connection's open transaction (or none).</summary>
        public void Enlist(SqliteTransaction? transaction)
        {
            foreach (var command in _all)
            {
                command.Transaction = transaction;
            }
        }
    }
}
