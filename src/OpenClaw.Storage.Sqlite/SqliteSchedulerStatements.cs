using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteRows;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>
/// The scheduler's statements on the writer connection: a commit's cron fire claims and slot releases (inside the
/// commit's transaction), and the claim of gated tasks under concurrency limits. The single writer serialises them, so
/// the slot counts read are the counts when the slots are taken.
/// </summary>
internal static class SqliteSchedulerStatements
{
    // Looks past tasks that are blocked by their limit so that others behind them still run.
    private const int CandidateWindow = 200;

    /// <summary>Claims the change's fire time and releases its slot; a fire time claimed by someone else aborts the commit.</summary>
    public static void Apply(SqliteConnection connection, SqliteTransaction transaction, ExecutionChange change)
    {
        if (change.Fire is { } fire)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE schedules SET next_fire_at = @next, last_fire_at = @due WHERE id = @id AND enabled = 1 AND next_fire_at = @due;";
            command.Parameters.AddWithValue("@id", Id(fire.ScheduleId));
            command.Parameters.AddWithValue("@due", Time(fire.DueAt));
            command.Parameters.AddWithValue("@next", Time(fire.NextAt));
            if (command.ExecuteNonQuery() == 0)
            {
                throw new ConcurrencyConflictException(change.Execution.Id);
            }
        }

        if (change.ReleasesSlot && change.Execution.Status.IsTerminal())
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM execution_slots WHERE execution_id = @id;";
            command.Parameters.AddWithValue("@id", Id(change.Execution.Id));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Claims up to <paramref name="room"/> due gated tasks whose executions hold or can take a slot.</summary>
    public static List<(StepRunRecord Step, long Seq)> ClaimGated(SqliteConnection connection, string owner, int room, DateTimeOffset now, DateTimeOffset expires)
    {
        var candidates = new List<ConcurrencyAdmission.Candidate>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText =
                "SELECT id, execution_id, tenant_id, gate FROM tasks q WHERE status = 'queued' AND gate IS NOT NULL AND run_at <= @now " +
                "AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.tenant_id = q.tenant_id AND p.queue = q.queue) " +
                "ORDER BY priority DESC, run_at, seq LIMIT @max;";
            command.Parameters.AddWithValue("@now", Time(now));
            command.Parameters.AddWithValue("@max", Math.Max(room, CandidateWindow));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                candidates.Add(new(GetId(reader, 0), GetId(reader, 1), reader.GetString(2), ConcurrencyGate.Parse(reader.GetString(3))!));
            }
        }

        if (candidates.Count == 0)
        {
            return [];
        }

        using var transaction = connection.BeginTransaction();
        var held = new List<ConcurrencyAdmission.Slot>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT execution_id, tenant_id, workflow_id FROM execution_slots WHERE tenant_id IN (SELECT value FROM json_each(@tenants));";
            command.Parameters.AddWithValue("@tenants", System.Text.Json.JsonSerializer.Serialize(candidates.Select(c => c.TenantId).Distinct()));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                held.Add(new(GetId(reader, 0), reader.GetString(1), reader.GetString(2)));
            }
        }

        var (admitted, newSlots) = ConcurrencyAdmission.Admit(candidates, held, room);
        foreach (var slot in newSlots)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR IGNORE INTO execution_slots (execution_id, tenant_id, workflow_id, acquired_at) VALUES (@e, @t, @w, @now);";
            insert.Parameters.AddWithValue("@e", Id(slot.ExecutionId));
            insert.Parameters.AddWithValue("@t", slot.TenantId);
            insert.Parameters.AddWithValue("@w", slot.WorkflowId);
            insert.Parameters.AddWithValue("@now", Time(now));
            insert.ExecuteNonQuery();
        }

        var claimed = new List<(StepRunRecord Step, long Seq)>(admitted.Count);
        if (admitted.Count > 0)
        {
            using var claim = connection.CreateCommand();
            claim.Transaction = transaction;
            claim.CommandText =
                "UPDATE tasks SET status = 'running', lease_owner = @owner, lease_expires_at = @expires, started_at = COALESCE(started_at, @now) " +
                $"WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'queued' RETURNING {List(TaskColumns)}, seq;";
            claim.Parameters.AddWithValue("@owner", owner);
            claim.Parameters.AddWithValue("@expires", Time(expires));
            claim.Parameters.AddWithValue("@now", Time(now));
            claim.Parameters.AddWithValue("@ids", IdList(admitted));
            using var reader = claim.ExecuteReader();
            while (reader.Read())
            {
                claimed.Add((ReadTask(reader), reader.GetInt64(TaskSeqOrdinal)));
            }
        }

        transaction.Commit();
        return claimed;
    }
}
