using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.IntegrationRows;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>The notification service's tables on PostgreSQL; times are stored to the millisecond.</summary>
/// <remarks>Claims use <c>FOR UPDATE SKIP LOCKED</c>, so several nodes deliver without taking each other's rows.</remarks>
public sealed class PostgresNotificationStore(PostgresDatabase database) : INotificationStore
{
    private const string RuleColumns =
        "id, tenant_id, workflow_id, name, events::text, channel, target::text, secret, secret_key_id, slow_threshold_ms, enabled, created_at, updated_at";

    private const string DeliveryColumns =
        "id, tenant_id, rule_id, event, execution_id, dedupe_key, channel, payload::text, status, attempts, next_attempt_at, last_error, created_at, delivered_at";

    // ---- rules ----

    /// <inheritdoc />
    public async Task<NotificationRuleRecord> CreateRuleAsync(NotificationRuleRecord rule, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO notification_rules (id, tenant_id, workflow_id, name, events, channel, target, secret, secret_key_id, slow_threshold_ms, enabled, created_at, updated_at) " +
            "VALUES (@id, @tenant, @workflow, @name, @events::json, @channel, @target::json, @secret, @secret_key, @slow, @enabled, @created, @updated);", connection);
        BindRule(command, rule);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return rule with { CreatedAt = new DateTimeOffset(Utc(rule.CreatedAt)), UpdatedAt = new DateTimeOffset(Utc(rule.UpdatedAt)) };
    }

    /// <inheritdoc />
    public async Task<NotificationRuleRecord?> GetRuleAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        (await RulesAsync("tenant_id = @tenant AND id = @id", c => { c.Parameters.AddWithValue("tenant", tenantId); c.Parameters.AddWithValue("id", id); }, cancellationToken)
            .ConfigureAwait(false)) is [var first, ..] ? first : null;

    /// <inheritdoc />
    public Task<IReadOnlyList<NotificationRuleRecord>> ListRulesAsync(string tenantId, CancellationToken cancellationToken = default) =>
        RulesAsync("tenant_id = @tenant ORDER BY created_at, id", c => c.Parameters.AddWithValue("tenant", tenantId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<NotificationRuleRecord>> ListEnabledRulesAsync(CancellationToken cancellationToken = default) =>
        RulesAsync("enabled ORDER BY created_at, id", _ => { }, cancellationToken);

    /// <inheritdoc />
    public async Task<NotificationRuleRecord?> UpdateRuleAsync(NotificationRuleRecord rule, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE notification_rules SET workflow_id = @workflow, name = @name, events = @events::json, channel = @channel, target = @target::json, " +
            "secret = @secret, secret_key_id = @secret_key, slow_threshold_ms = @slow, enabled = @enabled, updated_at = @updated " +
            $"WHERE tenant_id = @tenant AND id = @id RETURNING {RuleColumns};", connection);
        BindRule(command, rule);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRule(reader) : null;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteRuleAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM notification_rules WHERE tenant_id = @tenant AND id = @id;", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    // ---- deliveries ----

    /// <inheritdoc />
    public async Task<int> EnqueueAsync(IReadOnlyList<NotificationDeliveryRecord> deliveries, CancellationToken cancellationToken = default)
    {
        if (deliveries.Count == 0) return 0;
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int added = 0;
        foreach (var delivery in deliveries)
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO notification_deliveries (id, tenant_id, rule_id, event, execution_id, dedupe_key, channel, payload, status, attempts, " +
                "next_attempt_at, last_error, created_at, delivered_at) VALUES (@id, @tenant, @rule, @event, @execution, @dedupe, @channel, @payload::json, " +
                "@status, @attempts, @next, @error, @created, @delivered) ON CONFLICT (dedupe_key) DO NOTHING;", connection, transaction);
            BindDelivery(command, delivery);
            added += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<NotificationDeliveryRecord>> ClaimDueAsync(
        string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE notification_deliveries SET status = 'sending', lease_owner = @owner, lease_expires_at = @until WHERE id IN (" +
            "SELECT id FROM notification_deliveries WHERE (status = 'pending' AND next_attempt_at <= @now) OR (status = 'sending' AND lease_expires_at <= @now) " +
            $"ORDER BY next_attempt_at LIMIT @limit FOR UPDATE SKIP LOCKED) RETURNING {DeliveryColumns};", connection);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("until", Utc(leaseUntil));
        command.Parameters.AddWithValue("now", Utc(now));
        command.Parameters.AddWithValue("limit", limit);
        return await DeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task UpdateDeliveryAsync(NotificationDeliveryRecord delivery, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE notification_deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next, last_error = @error, " +
            "delivered_at = @delivered, lease_owner = NULL, lease_expires_at = NULL WHERE id = @id;", connection);
        BindDelivery(command, delivery);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<NotificationDeliveryRecord>> ListDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {DeliveryColumns} FROM notification_deliveries WHERE tenant_id = @tenant" +
            (query.RuleId is null ? "" : " AND rule_id = @rule") + (query.Status is null ? "" : " AND status = @status") +
            (query.ExecutionId is null ? "" : " AND execution_id = @execution") + " ORDER BY created_at DESC, id DESC LIMIT @limit;", connection);
        command.Parameters.AddWithValue("tenant", query.TenantId);
        if (query.RuleId is { } rule) command.Parameters.AddWithValue("rule", rule);
        if (query.Status is { } status) command.Parameters.AddWithValue("status", status);
        if (query.ExecutionId is { } execution) command.Parameters.AddWithValue("execution", execution);
        command.Parameters.AddWithValue("limit", query.Limit);
        return await DeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    // ---- inbox ----

    /// <inheritdoc />
    public async Task AddInboxItemAsync(InboxItemRecord item, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO notification_inbox (id, tenant_id, rule_id, delivery_id, event, title, payload, created_at, read_at) " +
            "VALUES (@id, @tenant, @rule, @delivery, @event, @title, @payload::json, @created, @read) ON CONFLICT (delivery_id) DO NOTHING;", connection);
        command.Parameters.AddWithValue("id", item.Id);
        command.Parameters.AddWithValue("tenant", item.TenantId);
        command.Parameters.AddWithValue("rule", item.RuleId);
        command.Parameters.AddWithValue("delivery", item.DeliveryId);
        command.Parameters.AddWithValue("event", item.Event);
        command.Parameters.AddWithValue("title", item.Title);
        command.Parameters.AddWithValue("payload", item.Payload);
        command.Parameters.AddWithValue("created", Utc(item.CreatedAt));
        command.Parameters.Add(new NpgsqlParameter("read", NpgsqlDbType.TimestampTz) { Value = NullableTime(item.ReadAt) });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InboxItemRecord>> ListInboxAsync(string tenantId, bool unreadOnly, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT id, tenant_id, rule_id, delivery_id, event, title, payload::text, created_at, read_at FROM notification_inbox WHERE tenant_id = @tenant" +
            (unreadOnly ? " AND read_at IS NULL" : "") + " ORDER BY created_at DESC, id DESC LIMIT @limit;", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<InboxItemRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new InboxItemRecord(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), GetTime(reader, 7), GetTimeOrNull(reader, 8)));
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<bool> MarkReadAsync(string tenantId, Guid id, DateTimeOffset readAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE notification_inbox SET read_at = COALESCE(read_at, @read) WHERE tenant_id = @tenant AND id = @id;", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("read", Utc(readAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
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
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {List(ExecutionColumns)} FROM workflow_executions WHERE {where};", connection);
        command.Parameters.AddWithValue("at", Utc(at));
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ExecutionRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) result.Add(ReadExecution(reader));
        return result;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetteredTask>> ListDeadLetteredTasksAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT t.id, t.execution_id, t.tenant_id, e.workflow_id, t.step_key, t.retry_count, t.error_message, t.completed_at " +
            "FROM tasks t JOIN workflow_executions e ON e.id = t.execution_id " +
            "WHERE t.status = 'failed' AND t.completed_at >= @since ORDER BY t.completed_at, t.id LIMIT @limit;", connection);
        command.Parameters.AddWithValue("since", Utc(since));
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<DeadLetteredTask>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DeadLetteredTask(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), GetTextOrNull(reader, 6), GetTime(reader, 7)));
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> GetWatermarkAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT value FROM notification_watermarks WHERE name = @name;", connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime value ? new DateTimeOffset(value) : null;
    }

    /// <inheritdoc />
    public async Task SetWatermarkAsync(string name, DateTimeOffset value, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO notification_watermarks (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value;", connection);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("value", Utc(value));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // ---- rows ----

    private async Task<IReadOnlyList<NotificationRuleRecord>> RulesAsync(string where, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {RuleColumns} FROM notification_rules WHERE {where};", connection);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<NotificationRuleRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) result.Add(ReadRule(reader));
        return result;
    }

    private static async Task<IReadOnlyList<NotificationDeliveryRecord>> DeliveriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<NotificationDeliveryRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new NotificationDeliveryRecord(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), GetIdOrNull(reader, 4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetInt32(9), GetTime(reader, 10),
                GetTextOrNull(reader, 11), GetTime(reader, 12), GetTimeOrNull(reader, 13)));
        }
        return result;
    }

    private static void BindRule(NpgsqlCommand command, NotificationRuleRecord r)
    {
        command.Parameters.AddWithValue("id", r.Id);
        command.Parameters.AddWithValue("tenant", r.TenantId);
        command.Parameters.Add(new NpgsqlParameter("workflow", NpgsqlDbType.Text) { Value = Nullable(r.WorkflowId) });
        command.Parameters.AddWithValue("name", r.Name);
        command.Parameters.AddWithValue("events", StringList(r.Events));
        command.Parameters.AddWithValue("channel", r.Channel);
        command.Parameters.AddWithValue("target", r.Target);
        command.Parameters.Add(new NpgsqlParameter("secret", NpgsqlDbType.Bytea) { Value = Nullable(r.Secret) });
        command.Parameters.Add(new NpgsqlParameter("secret_key", NpgsqlDbType.Text) { Value = Nullable(r.SecretKeyId) });
        command.Parameters.Add(new NpgsqlParameter("slow", NpgsqlDbType.Bigint) { Value = Nullable(r.SlowThresholdMs) });
        command.Parameters.AddWithValue("enabled", r.Enabled);
        command.Parameters.AddWithValue("created", Utc(r.CreatedAt));
        command.Parameters.AddWithValue("updated", Utc(r.UpdatedAt));
    }

    private static NotificationRuleRecord ReadRule(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), GetTextOrNull(r, 2), r.GetString(3), GetStringList(r, 4), r.GetString(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<byte[]>(7), GetTextOrNull(r, 8), r.IsDBNull(9) ? null : r.GetInt64(9), r.GetBoolean(10),
        GetTime(r, 11), GetTime(r, 12));

    private static void BindDelivery(NpgsqlCommand command, NotificationDeliveryRecord d)
    {
        command.Parameters.AddWithValue("id", d.Id);
        command.Parameters.AddWithValue("tenant", d.TenantId);
        command.Parameters.AddWithValue("rule", d.RuleId);
        command.Parameters.AddWithValue("event", d.Event);
        command.Parameters.Add(new NpgsqlParameter("execution", NpgsqlDbType.Uuid) { Value = Nullable(d.ExecutionId) });
        command.Parameters.AddWithValue("dedupe", d.DedupeKey);
        command.Parameters.AddWithValue("channel", d.Channel);
        command.Parameters.AddWithValue("payload", d.Payload);
        command.Parameters.AddWithValue("status", d.Status);
        command.Parameters.AddWithValue("attempts", d.Attempts);
        command.Parameters.AddWithValue("next", Utc(d.NextAttemptAt));
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = Nullable(d.LastError) });
        command.Parameters.AddWithValue("created", Utc(d.CreatedAt));
        command.Parameters.Add(new NpgsqlParameter("delivered", NpgsqlDbType.TimestampTz) { Value = NullableTime(d.DeliveredAt) });
    }
}
