using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// Claims tasks under concurrency limits (tasks with a gate) in one transaction: finds the tenants with due gated
/// tasks, takes a transaction-scoped advisory lock per tenant (in a fixed order, so claimers cannot deadlock), then picks
/// those tenants' due gated tasks with <c>FOR UPDATE SKIP LOCKED</c>, reads the slots held, admits with
/// <see cref="ConcurrencyAdmission"/>, inserts the new slots and marks the admitted tasks running. A second claimer
/// waits on the tenant's lock and then sees the first's slots, so no limit is exceeded however many processes claim at
/// once. The lock is taken before the rows are picked so that a claimer never skips rows another claimer has locked
/// but will not admit (which left slots unused until the next poll).
/// </summary>
internal static class PostgresGatedClaim
{
    // Looks past tasks that are blocked by their limit so that others behind them still run.
    private const int CandidateWindow = 200;

    private const string DueGatedTasks = """
        FROM tasks q
        WHERE status = 'queued' AND gate IS NOT NULL AND run_at <= $1
          AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.tenant_id = q.tenant_id AND p.queue = q.queue)
        """;

    private const string TenantsSql = $"SELECT DISTINCT tenant_id FROM (SELECT tenant_id {DueGatedTasks} ORDER BY priority DESC, run_at, seq LIMIT $2) AS due;";

    private const string CandidatesSql = $"""
        SELECT id, execution_id, tenant_id, gate {DueGatedTasks}
          AND tenant_id = ANY($3)
        ORDER BY priority DESC, run_at, seq
        LIMIT $2
        FOR UPDATE OF q SKIP LOCKED;
        """;

    private const string LockSql =
        "SELECT pg_advisory_xact_lock(hashtext('openclaw-slots:' || k)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS sorted;";

    private const string SlotsSql = "SELECT execution_id, tenant_id, workflow_id FROM execution_slots WHERE tenant_id = ANY($1);";

    private const string InsertSlotsSql = """
        INSERT INTO execution_slots (execution_id, tenant_id, workflow_id, acquired_at)
        SELECT u.e, u.t, u.w, $4 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u (e, t, w)
        ON CONFLICT (execution_id) DO NOTHING;
        """;

    private static readonly string ClaimSql = $"""
        WITH claimed AS (
            UPDATE tasks t
            SET status = 'running', lease_owner = $1, lease_expires_at = $2, started_at = COALESCE(t.started_at, $3)
            WHERE t.id = ANY($4) AND t.status = 'queued'
            RETURNING {List(TaskColumns, "t")}, t.seq),
        {PostgresExecutionStore.AnnounceClaimedSql}
        """;

    public static async Task<List<(StepRunRecord Step, long Seq)>> ClaimAsync(
        NpgsqlConnection connection, string owner, int room, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var window = Math.Max(room, CandidateWindow);
        var tenants = new List<string>();
        await using (var command = new NpgsqlCommand(TenantsSql, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = window });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tenants.Add(reader.GetString(0));
            }
        }

        if (tenants.Count == 0)
        {
            return [];
        }

        await using (var command = new NpgsqlCommand(LockSql, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tenants] });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var candidates = new List<ConcurrencyAdmission.Candidate>();
        await using (var command = new NpgsqlCommand(CandidatesSql, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = window });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tenants] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add(new(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), ConcurrencyGate.Parse(reader.GetString(3))!));
            }
        }

        if (candidates.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return [];
        }

        var held = new List<ConcurrencyAdmission.Slot>();
        await using (var command = new NpgsqlCommand(SlotsSql, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tenants] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                held.Add(new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        var (admitted, newSlots) = ConcurrencyAdmission.Admit(candidates, held, room);
        var claimed = new List<(StepRunRecord Step, long Seq)>(admitted.Count);
        if (admitted.Count > 0)
        {
            if (newSlots.Count > 0)
            {
                await using var insert = new NpgsqlCommand(InsertSlotsSql, connection, transaction);
                insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. newSlots.Select(s => s.ExecutionId)] });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. newSlots.Select(s => s.TenantId)] });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. newSlots.Select(s => s.WorkflowId)] });
                insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var claim = new NpgsqlCommand(ClaimSql, connection, transaction);
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
            claim.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(expires), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            claim.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            claim.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. admitted] });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed.Add((ReadTask(reader), reader.GetInt64(TaskSeqOrdinal)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return claimed;
    }
}
