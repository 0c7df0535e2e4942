using System.Text;
using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteRows;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Workflows and their immutable versions on SQLite (<c>workflows</c>, <c>workflow_versions</c>).</summary>
/// <remarks>
/// Timestamps are taken from the records (the caller owns the clock) and stored to the millisecond; the returned records
/// carry the stored values, so they compare equal to what a later read returns.
/// </remarks>
public sealed class SqliteWorkflowStore : IWorkflowStore
{
    private static readonly string[] Statuses = ["draft", "published", "archived"];

    private readonly SqliteDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public SqliteWorkflowStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    /// <remarks>The record's <see cref="WorkflowRecord.Version"/> is ignored: a new workflow is version 1.</remarks>
    /// <exception cref="ArgumentException">The id, tenant or name is empty, or the status is not draft, published or archived.</exception>
    public async Task<WorkflowRecord> CreateAsync(WorkflowRecord workflow, CancellationToken cancellationToken = default)
    {
        Validate(workflow);
        var stored = Truncate(workflow) with { Version = 1, PublishedVersion = null };

        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = lease.Connection.BeginTransaction();
        using (var insert = lease.Connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO workflows ({List(WorkflowColumns)}) VALUES ({Placeholders(WorkflowColumns.Length)}) ON CONFLICT DO NOTHING;";
            BindWorkflow(AddParameters(insert, WorkflowColumns.Length), stored);
            if (ExecuteChecked(insert) == 0)
            {
                throw new DuplicateKeyException($"A workflow with id '{workflow.Id}' already exists in tenant '{workflow.TenantId}'.");
            }
        }

        InsertVersion(lease.Connection, transaction, stored);
        transaction.Commit();
        return stored;
    }

    /// <inheritdoc />
    /// <remarks>
    /// With <paramref name="expectedVersion"/> null the update is unconditional (last writer wins). The stored
    /// <see cref="WorkflowRecord.CreatedAt"/> is kept; every other field comes from <paramref name="workflow"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">The id, tenant or name is empty, or the status is not draft, published or archived.</exception>
    public async Task<WorkflowRecord?> UpdateAsync(WorkflowRecord workflow, int? expectedVersion, CancellationToken cancellationToken = default)
    {
        Validate(workflow);
        var incoming = Truncate(workflow);

        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        using var transaction = connection.BeginTransaction();

        int currentVersion;
        long createdAt;
        int? published;
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT version, created_at, published_version FROM workflows WHERE tenant_id = @tenant AND id = @id;";
            select.Parameters.AddWithValue("@tenant", workflow.TenantId);
            select.Parameters.AddWithValue("@id", workflow.Id);
            using var reader = select.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            currentVersion = reader.GetInt32(0);
            createdAt = reader.GetInt64(1);
            published = reader.IsDBNull(2) ? null : reader.GetInt32(2);
        }

        if (expectedVersion is { } expected && expected != currentVersion)
        {
            throw new ConcurrencyConflictException(
                $"Workflow '{workflow.Id}' is at version {currentVersion}, not {expected}; reload it and apply the change again.");
        }

        var stored = incoming with { Version = currentVersion + 1, CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(createdAt), PublishedVersion = published };
        using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText =
                "UPDATE workflows SET name = @p2, description = @p3, definition = @p4, source = @p5, status = @p6, version = @p7, " +
                "owner_id = @p8, updated_at = @p10 WHERE tenant_id = @p1 AND id = @p0;";
            BindWorkflow(AddParameters(update, WorkflowColumns.Length), stored);
            ExecuteChecked(update);
        }

        InsertVersion(connection, transaction, stored);
        transaction.Commit();
        return stored;
    }

    /// <inheritdoc />
    public async Task<WorkflowRecord?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {List(WorkflowColumns)}, {WorkflowReadColumns.PublishedAndAuthor} FROM workflows WHERE tenant_id = @tenant AND id = @id;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadWorkflow(reader) : null;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Name, description, definition and source are those saved with that version; status and owner are the workflow's
    /// current ones; <see cref="WorkflowRecord.UpdatedAt"/> is when that version was saved.
    /// </remarks>
    public async Task<WorkflowRecord?> GetVersionAsync(string tenantId, string id, int version, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "SELECT w.id, w.tenant_id, v.name, v.description, v.definition, v.source, w.status, v.version, w.owner_id, w.created_at, v.created_at, " +
            "w.published_version, v.created_by " +
            "FROM workflow_versions v JOIN workflows w ON w.tenant_id = v.tenant_id AND w.id = v.workflow_id " +
            "WHERE v.tenant_id = @tenant AND v.workflow_id = @id AND v.version = @version;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@version", version);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadWorkflow(reader) : null;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Newest <see cref="WorkflowRecord.UpdatedAt"/> first. <see cref="WorkflowQuery.Search"/> matches a substring of the
    /// id or the name (case-insensitive for ASCII; wildcards are literal). <see cref="WorkflowQuery.Limit"/> is capped at 1000.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The limit is less than 1.</exception>
    /// <exception cref="ArgumentException">The cursor is not one this store returned.</exception>
    public async Task<Page<WorkflowRecord>> ListAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = KeysetCursor.ClampLimit(query.Limit);

        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {List(WorkflowColumns)}, {WorkflowReadColumns.PublishedAndAuthor} FROM workflows WHERE tenant_id = @tenant");
        command.Parameters.AddWithValue("@tenant", query.TenantId);
        if (!string.IsNullOrEmpty(query.Status))
        {
            sql.Append(" AND status = @status");
            command.Parameters.AddWithValue("@status", query.Status);
        }

        if (!string.IsNullOrEmpty(query.Search))
        {
            sql.Append(" AND (id LIKE @search ESCAPE '\\' OR name LIKE @search ESCAPE '\\')");
            command.Parameters.AddWithValue("@search", KeysetCursor.ContainsPattern(query.Search));
        }

        if (query.Cursor is not null)
        {
            var (time, id) = KeysetCursor.Decode(query.Cursor);
            sql.Append(" AND (updated_at, id) < (@cursor_time, @cursor_id)");
            command.Parameters.AddWithValue("@cursor_time", time);
            command.Parameters.AddWithValue("@cursor_id", id);
        }

        sql.Append(" ORDER BY updated_at DESC, id DESC LIMIT @limit;");
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText = sql.ToString();

        var items = new List<WorkflowRecord>(Math.Min(limit + 1, 64));
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(ReadWorkflow(reader));
            }
        }

        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            var last = items[^1];
            next = KeysetCursor.Encode(Time(last.UpdatedAt), last.Id);
        }

        return new Page<WorkflowRecord>(items, next);
    }

    /// <inheritdoc />
    public async Task<WorkflowRecord?> PublishAsync(string tenantId, string id, int version, CancellationToken cancellationToken = default)
    {
        using (var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false))
        {
            using var command = lease.Connection.CreateCommand();
            command.CommandText =
                "UPDATE workflows SET published_version = @version, status = 'published' WHERE tenant_id = @tenant AND id = @id " +
                "AND EXISTS (SELECT 1 FROM workflow_versions WHERE tenant_id = @tenant AND workflow_id = @id AND version = @version);";
            command.Parameters.AddWithValue("@tenant", tenantId);
            command.Parameters.AddWithValue("@id", id);
            command.Parameters.AddWithValue("@version", version);
            if (command.ExecuteNonQuery() == 0)
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
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "SELECT workflow_id, tenant_id, version, name, description, created_by, created_at FROM workflow_versions " +
            "WHERE tenant_id = @tenant AND workflow_id = @id AND version < @before ORDER BY version DESC LIMIT @limit;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@before", before);
        command.Parameters.AddWithValue("@limit", take + 1);
        var items = new List<WorkflowVersionRecord>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(new WorkflowVersionRecord(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                    GetTextOrNull(reader, 4), GetTextOrNull(reader, 5), GetTime(reader, 6)));
            }
        }

        return VersionCursor.Page(items, take);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = lease.Connection.BeginTransaction();
        using var command = lease.Connection.CreateCommand();
        command.Transaction = transaction;

        // The foreign key cascades too; deleting the versions explicitly does not depend on PRAGMA foreign_keys.
        command.CommandText =
            "DELETE FROM workflow_versions WHERE tenant_id = @tenant AND workflow_id = @id;" +
            "DELETE FROM workflows WHERE tenant_id = @tenant AND id = @id;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@id", id);
        command.ExecuteNonQuery();

        using var changes = lease.Connection.CreateCommand();
        changes.Transaction = transaction;
        changes.CommandText = "SELECT changes();";
        var deleted = (long)changes.ExecuteScalar()! > 0;
        transaction.Commit();
        return deleted;
    }

    private static void InsertVersion(SqliteConnection connection, SqliteTransaction transaction, WorkflowRecord workflow)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "INSERT INTO workflow_versions (tenant_id, workflow_id, version, name, description, definition, source, created_at, created_by) " +
            "VALUES (@tenant, @id, @version, @name, @description, @definition, @source, @created_at, @created_by);";
        command.Parameters.AddWithValue("@tenant", workflow.TenantId);
        command.Parameters.AddWithValue("@id", workflow.Id);
        command.Parameters.AddWithValue("@version", workflow.Version);
        command.Parameters.AddWithValue("@name", workflow.Name);
        command.Parameters.AddWithValue("@description", Text(workflow.Description));
        command.Parameters.AddWithValue("@definition", workflow.Definition);
        command.Parameters.AddWithValue("@source", workflow.Source);
        command.Parameters.AddWithValue("@created_at", Time(workflow.UpdatedAt));
        command.Parameters.AddWithValue("@created_by", Text(workflow.Author));
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a write, turning the definition's JSON check into an argument error that names the workflow.</summary>
    private static int ExecuteChecked(SqliteCommand command)
    {
        try
        {
            return command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == 275 /* SQLITE_CONSTRAINT_CHECK */)
        {
            throw new ArgumentException($"The workflow was rejected by a database check ({ex.Message}); its definition must be valid JSON.", ex);
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
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Time(workflow.CreatedAt)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Time(workflow.UpdatedAt)),
    };
}
