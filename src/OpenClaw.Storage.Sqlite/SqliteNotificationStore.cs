using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>The notification service's tables on SQLite; times are stored to the millisecond.</summary>
public sealed class SqliteNotificationStore(SqliteDatabase database) : INotificationStore
{
    private const string RuleColumns =
        "id, tenant_id, workflow_id, name, events, channel, target, secret, secret_key_id, slow_threshold_ms, enabled, created_at, updated_at";

    private const string DeliveryColumns =
        "id, tenant_id, rule_id, event, execution_id, dedupe_key, channel, payload, status, attempts, next_attempt_at, last_error, created_at, delivered_at";

    private const string InboxColumns = "id, tenant_id, rule_id, delivery_id, event, title, payload, created_at, read_at";

    // ---- rules ----

    /// <inheritdoc />
    public async Task<NotificationRuleRecord> CreateRuleAsync(NotificationRuleRecord rule, CancellationToken cancellationToken = default)
    {
        var stored = Truncate(rule);
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"INSERT INTO notification_rules ({RuleColumns}) VALUES (@id, @tenant, @workflow, @name, @events, @channel, @target, @secret, @secret_key, @slow, @enabled, @created, @updated);";
        BindRule(command, stored);
        command.ExecuteNonQuery();
        return stored;
    }

    /// <inheritdoc />
    public async Task<NotificationRuleRecord?> GetRuleAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        (await RulesAsync("tenant_id = @tenant AND id = @id", c => { c.Parameters.AddWithValue("@tenant", tenantId); c.Parameters.AddWithValue("@id", Id(id)); }, cancellationToken)
            .ConfigureAwait(false)) is [var first, ..] ? first : null;

    /// <inheritdoc />
    public Task<IReadOnlyList<NotificationRuleRecord>> ListRulesAsync(string tenantId, CancellationToken cancellationToken = default) =>
        RulesAsync("tenant_id = @tenant ORDER BY created_at, id", c => c.Parameters.AddWithValue("@tenant", tenantId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<NotificationRuleRecord>> ListEnabledRulesAsync(CancellationToken cancellationToken = default) =>
        RulesAsync("enabled = 1 ORDER BY created_at, id", _ => { }, cancellationToken);

    /// <inheritdoc />
    public async Task<NotificationRuleRecord?> UpdateRuleAsync(NotificationRuleRecord rule, CancellationToken cancellationToken = default)
    {
        var incoming = Truncate(rule);
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "UPDATE notification_rules SET workflow_id = @workflow, name = @name, events = @events, channel = @channel, target = @target, " +
            "secret = @secret, secret_key_id = @secret_key, slow_threshold_ms = @slow, enabled = @enabled, updated_at = @updated " +
            $"WHERE tenant_id = @tenant AND id = @id RETURNING {RuleColumns};";
        BindRule(command, incoming);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRule(reader) : null;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteRuleAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "DELETE FROM notification_rules WHERE tenant_id = @tenant AND id = @id;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@id", Id(id));
        return command.ExecuteNonQuery() > 0;
    }

    // ---- deliveries ----

    /// <inheritdoc />
    public async Task<int> EnqueueAsync(IReadOnlyList<NotificationDeliveryRecord> deliveries, CancellationToken cancellationToken = default)
    {
        if (deliveries.Count == 0) return 0;
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = lease.Connection.BeginTransaction();
        int added = 0;
        foreach (var delivery in deliveries)
        {
            using var command = lease.Connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                $"INSERT INTO notification_deliveries ({DeliveryColumns}) VALUES (@id, @tenant, @rule, @event, @execution, @dedupe, @channel, @payload, " +
                "@status, @attempts, @next, @error, @created, @delivered) ON CONFLICT (dedupe_key) DO NOTHING;";
            BindDelivery(command, delivery);
            added += command.ExecuteNonQuery();
        }
        transaction.Commit();
        return added;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<NotificationDeliveryRecord>> ClaimDueAsync(
        string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "UPDATE notification_deliveries SET status = 'sending', lease_owner = @owner, lease_expires_at = @until WHERE id IN (" +
            "SELECT id FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= @now " +
            "UNION SELECT id FROM notification_deliveries WHERE status = 'sending' AND lease_expires_at <= @now LIMIT @limit) " +
            $"RETURNING {DeliveryColumns};";
        command.Parameters.AddWithValue("@owner", owner);
        command.Parameters.AddWithValue("@until", Time(leaseUntil));
        command.Parameters.AddWithValue("@now", Time(now));
        command.Parameters.AddWithValue("@limit", limit);
        using var reader = command.ExecuteReader();
        var result = new List<NotificationDeliveryRecord>();
        while (reader.Read()) result.Add(ReadDelivery(reader));
        return result;
    }

    /// <inheritdoc />
    public async Task UpdateDeliveryAsync(NotificationDeliveryRecord delivery, CancellationToken cancellationToken = default)
    {
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "UPDATE notification_deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next, last_error = @error, " +
            "delivered_at = @delivered, lease_owner = NULL, lease_expires_at = NULL WHERE id = @id;";
        BindDelivery(command, delivery);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<NotificationDeliveryRecord>> ListDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        using var lease = await database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {DeliveryColumns} FROM notification_deliveries WHERE tenant_id = @tenant" +
            (query.RuleId is null ? "" : " AND rule_id = @rule") + (query.Status is null ? "" : " AND status = @status") +
            (query.ExecutionId is null ? "" : " AND execution_id = @execution") + " ORDER BY created_at DESC, id DESC LIMIT @limit;";
        command.Parameters.AddWithValue("@tenant", query.TenantId);
        if (query.RuleId is { } rule) command.Parameters.AddWithValue("@rule", Id(rule));
        if (query.Status is { } status) command.Parameters.AddWithValue("@status", status);
        if (query.ExecutionId is { } execution) command.Parameters.AddWithValue("@execution", Id(execution));
        command.Parameters.AddWithValue("@limit", query.Limit);
        using var reader = command.ExecuteReader();
        var result = new List<NotificationDeliveryRecord>();
        while (reader.Read()) result.Add(ReadDelivery(reader));
        return result;
    }

    // ---- inbox ----

    /// <inheritdoc />
    public async Task AddInboxItemAsync(InboxItemRecord item, CancellationToken cancellationToken = default)
    {
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"INSERT INTO notification_inbox ({InboxColumns}) VALUES (@id, @tenant, @rule, @delivery, @event, @title, @payload, @created, @read) ON CONFLICT (delivery_id) DO NOTHING;";
        command.Parameters.AddWithValue("@id", Id(item.Id));
        command.Parameters.AddWithValue("@tenant", item.TenantId);
        command.Parameters.AddWithValue("@rule", Id(item.RuleId));
        command.Parameters.AddWithValue("@delivery", Id(item.DeliveryId));
        command.Parameters.AddWithValue("@event", item.Event);
        command.Parameters.AddWithValue("@title", item.Title);
        command.Parameters.AddWithValue("@payload", item.Payload);
        command.Parameters.AddWithValue("@created", Time(item.CreatedAt));
        command.Parameters.AddWithValue("@read", Time(item.ReadAt));
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InboxItemRecord>> ListInboxAsync(string tenantId, bool unreadOnly, int limit, CancellationToken cancellationToken = default)
    {
        using var lease = await database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {InboxColumns} FROM notification_inbox WHERE tenant_id = @tenant" + (unreadOnly ? " AND read_at IS NULL" : "") +
            " ORDER BY created_at DESC, id DESC LIMIT @limit;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@limit", limit);
        using var reader = command.ExecuteReader();
        var result = new List<InboxItemRecord>();
        while (reader.Read())
        {
            result.Add(new InboxItemRecord(GetId(reader, 0), reader.GetString(1), GetId(reader, 2), GetId(reader, 3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), GetTime(reader, 7), GetTimeOrNull(reader, 8)));
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<bool> MarkReadAsync(string tenantId, Guid id, DateTimeOffset readAt, CancellationToken cancellationToken = default)
    {
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "UPDATE notification_inbox SET read_at = COALESCE(read_at, @read) WHERE tenant_id = @tenant AND id = @id;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@id", Id(id));
        command.Parameters.AddWithValue("@read", Time(readAt));
        return command.ExecuteNonQuery() > 0;
    }

    // ---- what to notify about ----

    /// <inheritdoc />
    public Task<IReadOnlyList<ExecutionRecord>> ListFinishedExecutionsAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken = default) =>
        ExecutionsAsync("completed_at IS NOT NULL AND completed_at >= @at ORDER BY completed_at, id LIMIT @limit", since, limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExecutionRecord>> ListUnfinishedExecutionsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken = default) =>
        ExecutionsAsync("status IN ('pending', 'running') AND created_at < @at ORDER BY created_at LIMIT @limit", createdBefore, limit, cancellationToken);

    private async Task<IReadOnlyList<ExecutionRecord>> ExecutionsAsync(string where, DateTimeOffset at, int limit, CancellationToken cancellationToken)
    {
        using var lease = await database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", SqliteRows.ExecutionColumns)} FROM workflow_executions WHERE {where};";
        command.Parameters.AddWithValue("@at", Time(at));
        command.Parameters.AddWithValue("@limit", limit);
        using var reader = command.ExecuteReader();
        var result = new List<ExecutionRecord>();
        while (reader.Read()) result.Add(SqliteRows.ReadExecution(reader));
        return result;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetteredTask>> ListDeadLetteredTasksAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        using var lease = await database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "SELECT t.id, t.execution_id, t.tenant_id, e.workflow_id, t.step_key, t.retry_count, t.error_message, t.completed_at " +
            "FROM tasks t JOIN workflow_executions e ON e.id = t.execution_id " +
            "WHERE t.status = 'failed' AND t.completed_at >= @since ORDER BY t.completed_at, t.id LIMIT @limit;";
        command.Parameters.AddWithValue("@since", Time(since));
        command.Parameters.AddWithValue("@limit", limit);
        using var reader = command.ExecuteReader();
        var result = new List<DeadLetteredTask>();
        while (reader.Read())
        {
            result.Add(new DeadLetteredTask(GetId(reader, 0), GetId(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), GetTextOrNull(reader, 6), GetTime(reader, 7)));
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> GetWatermarkAsync(string name, CancellationToken cancellationToken = default)
    {
        using var lease = await database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "SELECT value FROM notification_watermarks WHERE name = @name;";
        command.Parameters.AddWithValue("@name", name);
        return command.ExecuteScalar() is long value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
    }

    /// <inheritdoc />
    public async Task SetWatermarkAsync(string name, DateTimeOffset value, CancellationToken cancellationToken = default)
    {
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "INSERT INTO notification_watermarks (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value;";
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@value", Time(value));
        command.ExecuteNonQuery();
    }

    // ---- rows ----

    private async Task<IReadOnlyList<NotificationRuleRecord>> RulesAsync(string where, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        using var lease = await database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {RuleColumns} FROM notification_rules WHERE {where};";
        bind(command);
        using var reader = command.ExecuteReader();
        var result = new List<NotificationRuleRecord>();
        while (reader.Read()) result.Add(ReadRule(reader));
        return result;
    }

    private static void BindRule(SqliteCommand command, NotificationRuleRecord r)
    {
        command.Parameters.AddWithValue("@id", Id(r.Id));
        command.Parameters.AddWithValue("@tenant", r.TenantId);
        command.Parameters.AddWithValue("@workflow", Text(r.WorkflowId));
        command.Parameters.AddWithValue("@name", r.Name);
        command.Parameters.AddWithValue("@events", StringList(r.Events));
        command.Parameters.AddWithValue("@channel", r.Channel);
        command.Parameters.AddWithValue("@target", r.Target);
        command.Parameters.AddWithValue("@secret", (object?)r.Secret ?? DBNull.Value);
        command.Parameters.AddWithValue("@secret_key", Text(r.SecretKeyId));
        command.Parameters.AddWithValue("@slow", (object?)r.SlowThresholdMs ?? DBNull.Value);
        command.Parameters.AddWithValue("@enabled", r.Enabled ? 1 : 0);
        command.Parameters.AddWithValue("@created", Time(r.CreatedAt));
        command.Parameters.AddWithValue("@updated", Time(r.UpdatedAt));
    }

    private static NotificationRuleRecord ReadRule(SqliteDataReader r) => new(
        GetId(r, 0), r.GetString(1), GetTextOrNull(r, 2), r.GetString(3), GetStringList(r, 4), r.GetString(5), r.GetString(6),
        r.IsDBNull(7) ? null : (byte[])r.GetValue(7), GetTextOrNull(r, 8), r.IsDBNull(9) ? null : r.GetInt64(9), r.GetInt64(10) == 1,
        GetTime(r, 11), GetTime(r, 12));

    private static void BindDelivery(SqliteCommand command, NotificationDeliveryRecord d)
    {
        command.Parameters.AddWithValue("@id", Id(d.Id));
        command.Parameters.AddWithValue("@tenant", d.TenantId);
        command.Parameters.AddWithValue("@rule", Id(d.RuleId));
        command.Parameters.AddWithValue("@event", d.Event);
        command.Parameters.AddWithValue("@execution", Id(d.ExecutionId));
        command.Parameters.AddWithValue("@dedupe", d.DedupeKey);
        command.Parameters.AddWithValue("@channel", d.Channel);
        command.Parameters.AddWithValue("@payload", d.Payload);
        command.Parameters.AddWithValue("@status", d.Status);
        command.Parameters.AddWithValue("@attempts", d.Attempts);
        command.Parameters.AddWithValue("@next", Time(d.NextAttemptAt));
        command.Parameters.AddWithValue("@error", Text(d.LastError));
        command.Parameters.AddWithValue("@created", Time(d.CreatedAt));
        command.Parameters.AddWithValue("@delivered", Time(d.DeliveredAt));
    }

    private static NotificationDeliveryRecord ReadDelivery(SqliteDataReader r) => new(
        GetId(r, 0), r.GetString(1), GetId(r, 2), r.GetString(3), GetIdOrNull(r, 4), r.GetString(5), r.GetString(6), r.GetString(7),
        r.GetString(8), r.GetInt32(9), GetTime(r, 10), GetTextOrNull(r, 11), GetTime(r, 12), GetTimeOrNull(r, 13));

    private static NotificationRuleRecord Truncate(NotificationRuleRecord r) => r with
    {
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Time(r.CreatedAt)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Time(r.UpdatedAt)),
    };
}
