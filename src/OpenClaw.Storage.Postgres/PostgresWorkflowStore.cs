using System.Text;
using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>Workflows and their immutable versions on PostgreSQL (<c>workflows</c>, <c>workflow_versions</c>).</summary>
/// <remarks>
/// Timestamps are taken from the records (the caller owns the clock) and stored to the millisecond; the returned records
/// carry the stored values, so they compare equal to what a later read returns. The definition is stored as <c>json</c>,
/// which checks it and keeps its text exactly.
/// </remarks>
public sealed class PostgresWorkflowStore : IWorkflowStore
{
    private static readonly string[] Statuses = ["draft", "published", "archived"];

    private static readonly string InsertSql =
        $"INSERT INTO workflows ({List(WorkflowColumns)}) VALUES ($1, $2, $3, $4, $5::json, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING;";

    private const string InsertVersionSql =
        "INSERT INTO workflow_versions (tenant_id, workflow_id, version, name, description, definition, source, created_at, created_by) " +
        "VALUES ($2, $1, $8, $3, $4, $5::json, $6, $11, $12);";

    private const string UpdateSql =
        "UPDATE workflows SET name = $3, description = $4, definition = $5::json, source = $6, status = $7, version = $8, " +
        "owner_id = $9, updated_at = $11 WHERE tenant_id = $2 AND id = $1;";

    private readonly PostgresDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public PostgresWorkflowStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    /// <remarks>The record's <see cref="WorkflowRecord.Version"/> is ignored: a new workflow is version 1.</remarks>
    /// <exception cref="ArgumentException">The id, tenant or name is empty, the status is not draft, published or archived, or the definition is not JSON.</exception>
    public async Task<WorkflowRecord> CreateAsync(WorkflowRecord workflow, CancellationToken cancellationToken = default)
    {
        Validate(workflow);
        var stored = Truncate(workflow) with { Version = 1, PublishedVersion = null };

        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(InsertSql, connection, transaction))
        {
            Bind(insert, stored);
            if (await ExecuteCheckedAsync(insert, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new DuplicateKeyException($"A workflow with id '{workflow.Id}' already exists in tenant '{workflow.TenantId}'.");
            }
        }

        await InsertVersionAsync(connection, transaction, stored, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <inheritdoc />
    /// <remarks>
    /// With <paramref name="expectedVersion"/> null the update is unconditional (last writer wins). The stored
    /// <see cref="WorkflowRecord.CreatedAt"/> is kept; every other field comes from <paramref name="workflow"/>. The row is
    /// locked while the new version is written, so concurrent updates queue instead of both claiming the same version.
    /// </remarks>
    /// <exception cref="ArgumentException">The id, tenant or name is empty, the status is not draft, published or archived, or the definition is not JSON.</exception>
    public async Task<WorkflowRecord?> UpdateAsync(WorkflowRecord workflow, int? expectedVersion, CancellationToken cancellationToken = default)
    {
        Validate(workflow);
        var incoming = Truncate(workflow);

        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        int currentVersion;
        DateTimeOffset createdAt;
        int? published;
        await using (var select = new NpgsqlCommand("SELECT version, created_at, published_version FROM workflows WHERE tenant_id = $1 AND id = $2 FOR UPDATE;", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflow.TenantId });
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workflow.Id });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            currentVersion = reader.GetInt32(0);
            createdAt = GetTime(reader, 1);
            published = reader.IsDBNull(2) ? null : reader.GetInt32(2);
        }

        if (expectedVersion is { } expected && expected != currentVersion)
        {
            throw new ConcurrencyConflictException(
                $"Workflow '{workflow.Id}' is at version {currentVersion}, not {expected}; reload it and apply the change again.");
        }

        var stored = incoming with { Version = currentVersion + 1, CreatedAt = createdAt, PublishedVersion = published };
        await using (var update = new NpgsqlCommand(UpdateSql, connection, transaction))
        {
            Bind(update, stored);
            await ExecuteCheckedAsync(update, cancellationToken).ConfigureAwait(false);
        }

        await InsertVersionAsync(connection, transaction, stored, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <inheritdoc />
    public async Task<WorkflowRecord?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {List(WorkflowColumns)}, {WorkflowReadColumns.PublishedAndAuthor} FROM workflows WHERE tenant_id = $1 AND id = $2;", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadWorkflow(reader) : null;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Name, description, definition and source are those saved with that version; status and owner are the workflow's
    /// current ones; <see cref="WorkflowRecord.UpdatedAt"/> is when that version was saved.
    /// </remarks>
    public async Task<WorkflowRecord?> GetVersionAsync(string tenantId, string id, int version, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT w.id, w.tenant_id, v.name, v.description, v.definition, v.source, w.status, v.version, w.owner_id, w.created_at, v.created_at, " +
            "w.published_version, v.created_by " +
            "FROM workflow_versions v JOIN workflows w ON w.tenant_id = v.tenant_id AND w.id = v.workflow_id " +
            "WHERE v.tenant_id = $1 AND v.workflow_id = $2 AND v.version = $3;",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadWorkflow(reader) : null;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Newest <see cref="WorkflowRecord.UpdatedAt"/> first, ties by id (byte order). <see cref="WorkflowQuery.Search"/>
    /// matches a substring of the id or the name (case-insensitive; wildcards are literal).
    /// <see cref="WorkflowQuery.Limit"/> is capped at 1000.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The limit is less than 1.</exception>
    /// <exception cref="ArgumentException">The cursor is not one this store returned.</exception>
    public async Task<Page<WorkflowRecord>> ListAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);
        var cursor = query.Cursor is null ? ((long, string)?)null : KeysetCursor.Decode(query.Cursor);

        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder($"SELECT {List(WorkflowColumns)}, {WorkflowReadColumns.PublishedAndAuthor} FROM workflows WHERE tenant_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.TenantId });
        if (!string.IsNullOrEmpty(query.Status))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Status });
            sql.Append($" AND status = ${command.Parameters.Count}");
        }

        if (!string.IsNullOrEmpty(query.Search))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = KeysetCursor.ContainsPattern(query.Search) });
            var n = command.Parameters.Count;
            sql.Append($" AND (id ILIKE ${n} ESCAPE '\\' OR name ILIKE ${n} ESCAPE '\\')");
        }

        if (cursor is var (time, id))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(DateTimeOffset.FromUnixTimeMilliseconds(time)), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            sql.Append($" AND (updated_at, id) < (${command.Parameters.Count - 1}, ${command.Parameters.Count})");
        }

        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        sql.Append($" ORDER BY updated_at DESC, id DESC LIMIT ${command.Parameters.Count};");
        command.CommandText = sql.ToString();

        var items = new List<WorkflowRecord>(Math.Min(limit + 1, 64));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadWorkflow(reader));
            }
        }

        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            var last = items[^1];
            next = KeysetCursor.Encode(last.UpdatedAt.ToUnixTimeMilliseconds(), last.Id);
        }

        return new Page<WorkflowRecord>(items, next);
    }

    /// <inheritdoc />
    public async Task<WorkflowRecord?> PublishAsync(string tenantId, string id, int version, CancellationToken cancellationToken = default)
    {
        await using (var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = new NpgsqlCommand(
            "UPDATE workflows SET published_version = $3, status = 'published' WHERE tenant_id = $1 AND id = $2 " +
            "AND EXISTS (SELECT 1 FROM workflow_versions WHERE tenant_id = $1 AND workflow_id = $2 AND version = $3);", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }
        }

        return await GetAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<WorkflowVersionRecord>> ListVersionsAsync(
        string tenantId, string id, int limit = 50, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var take = KeysetCursor.ClampLimit(limit);
        var before = VersionCursor.Decode(cursor);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT workflow_id, tenant_id, version, name, description, created_by, created_at FROM workflow_versions " +
            "WHERE tenant_id = $1 AND workflow_id = $2 AND version < $3 ORDER BY version DESC LIMIT $4;", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = before });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = take + 1 });
        var items = new List<WorkflowVersionRecord>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new WorkflowVersionRecord(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), GetTime(reader, 6)));
            }
        }

        return VersionCursor.Page(items, take);
    }

    /// <inheritdoc />
    /// <remarks>Its versions go with it (the foreign key cascades).</remarks>
    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM workflows WHERE tenant_id = $1 AND id = $2;", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static async Task InsertVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, WorkflowRecord workflow, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertVersionSql, connection, transaction);
        Bind(command, workflow);
        command.Parameters.Add(Parameter(workflow.Author, NpgsqlDbType.Text));
        await ExecuteCheckedAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Binds <see cref="WorkflowColumns"/> as <c>$1..$11</c>.</summary>
    private static void Bind(NpgsqlCommand command, WorkflowRecord w)
    {
        var p = command.Parameters;
        p.Add(Parameter(w.Id, NpgsqlDbType.Text));
        p.Add(Parameter(w.TenantId, NpgsqlDbType.Text));
        p.Add(Parameter(w.Name, NpgsqlDbType.Text));
        p.Add(Parameter(w.Description, NpgsqlDbType.Text));
        p.Add(Parameter(w.Definition, NpgsqlDbType.Text));
        p.Add(Parameter(w.Source, NpgsqlDbType.Text));
        p.Add(Parameter(w.Status, NpgsqlDbType.Text));
        p.Add(Parameter(w.Version, NpgsqlDbType.Integer));
        p.Add(Parameter(w.OwnerId, NpgsqlDbType.Uuid));
        p.Add(Parameter(Utc(w.CreatedAt), NpgsqlDbType.TimestampTz));
        p.Add(Parameter(Utc(w.UpdatedAt), NpgsqlDbType.TimestampTz));
    }

    /// <summary>Runs a write, turning the definition's JSON check into an argument error that names the workflow.</summary>
    private static async Task<int> ExecuteCheckedAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.CheckViolation)
        {
            throw new ArgumentException($"The workflow was rejected by the database ({ex.MessageText}); its definition must be valid JSON.", ex);
        }
    }

    private static void Validate(WorkflowRecord workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        if (string.IsNullOrEmpty(workflow.Id) || string.IsNullOrEmpty(workflow.TenantId) || string.IsNullOrEmpty(workflow.Name))
        {
            throw new ArgumentException("A workflow needs an id, a tenant and a name.", nameof(workflow));
        }

        if (!Statuses.Contains(workflow.Status))
        {
            throw new ArgumentException($"Workflow status must be one of {string.Join(", ", Statuses)}, not '{workflow.Status}'.", nameof(workflow));
        }
    }

    private static WorkflowRecord Truncate(WorkflowRecord workflow) => workflow with
    {
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(workflow.CreatedAt.ToUnixTimeMilliseconds()),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(workflow.UpdatedAt.ToUnixTimeMilliseconds()),
    };
}
