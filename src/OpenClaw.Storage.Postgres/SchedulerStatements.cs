using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// The scheduler's part of a group commit, in the same transaction as the executions: cron fire times claimed by new
/// executions (a fire time another scheduler claimed first aborts the batch as a conflict on that execution), and
/// concurrency slots released by executions that finished (which wakes the workers: a gated task may now run).
/// </summary>
internal static class SchedulerStatements
{
    private const string ClaimFireSql = "SELECT openclaw_claim_fire($1, $2, $3, $4);";

    private const string ReleaseSlotsSql = """
        WITH released AS (DELETE FROM execution_slots WHERE execution_id = ANY($1) RETURNING 1)
        SELECT openclaw_notify_tasks($2) WHERE EXISTS (SELECT 1 FROM released);
        """;

    public static void Add(NpgsqlBatch batch, IReadOnlyList<ExecutionChange> changes)
    {
        List<Guid>? released = null;
        DateTimeOffset latest = DateTimeOffset.MinValue;
        foreach (var change in changes)
        {
            if (change.Fire is { } fire)
            {
                var command = new NpgsqlBatchCommand(ClaimFireSql);
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = fire.ScheduleId });
                command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(fire.DueAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                command.Parameters.Add(Parameter(Utc(fire.NextAt), NpgsqlDbType.TimestampTz));
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = change.Execution.Id });
                batch.BatchCommands.Add(command);
            }

            if (change.ReleasesSlot && change.Execution.Status.IsTerminal())
            {
                (released ??= []).Add(change.Execution.Id);
                if (change.Execution.CompletedAt is { } completed && completed > latest)
                {
                    latest = completed;
                }
            }
        }

        if (released is not null)
        {
            var command = new NpgsqlBatchCommand(ReleaseSlotsSql);
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. released] });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = latest.ToUnixTimeMilliseconds() });
            batch.BatchCommands.Add(command);
        }
    }
}
