using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Installed plugin versions on SQLite (the <c>plugins</c> table).</summary>
/// <remarks>
/// Timestamps are taken from the records (the caller owns the clock) and stored to the millisecond; the returned records
/// carry the stored values. The metadata column is checked with <c>json_valid</c> and keeps its text exactly.
/// </remarks>
public sealed class SqlitePluginStore : IPluginStore
{
    private const string Columns = "id, tenant_id, name, version, status, metadata, created_at, updated_at";

    private readonly SqliteDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public SqlitePluginStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<PluginRecord> CreateAsync(PluginRecord plugin, CancellationToken cancellationToken = default)
    {
        Validate(plugin);
        var stored = Truncate(plugin);
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"INSERT INTO plugins ({Columns}) VALUES (@id, @tenant, @name, @version, @status, @metadata, @created, @updated) ON CONFLICT DO NOTHING;";
        Bind(command, stored);
        if (ExecuteChecked(command) == 0)
            throw new DuplicateKeyException($"Plugin '{plugin.Name}' version {plugin.Version} is already installed in tenant '{plugin.TenantId}'.");
        return stored;
    }

    /// <inheritdoc />
    public async Task<PluginRecord?> GetAsync(string tenantId, string name, string version, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM plugins WHERE tenant_id = @tenant AND name = @name AND version = @version;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@version", version);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PluginRecord>> ListAsync(string tenantId, string? name = null, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM plugins WHERE tenant_id = @tenant" +
            (name is null ? "" : " AND name = @name") + " ORDER BY name, created_at, id;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        if (name is not null) command.Parameters.AddWithValue("@name", name);
        using var reader = command.ExecuteReader();
        var result = new List<PluginRecord>();
        while (reader.Read()) result.Add(Read(reader));
        return result;
    }

    /// <inheritdoc />
    public async Task<PluginRecord?> UpdateAsync(PluginRecord plugin, CancellationToken cancellationToken = default)
    {
        Validate(plugin);
        var incoming = Truncate(plugin);
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "UPDATE plugins SET status = @status, metadata = @metadata, updated_at = @updated " +
            $"WHERE tenant_id = @tenant AND name = @name AND version = @version RETURNING {Columns};";
        Bind(command, incoming);
        try
        {
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == 275 /* SQLITE_CONSTRAINT_CHECK */)
        {
            throw new ArgumentException($"Plugin '{plugin.Name}' was rejected by a database check ({ex.Message}); its metadata must be valid JSON.", nameof(plugin), ex);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, string name, string version, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "DELETE FROM plugins WHERE tenant_id = @tenant AND name = @name AND version = @version;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@version", version);
        return command.ExecuteNonQuery() > 0;
    }

    private static void Bind(SqliteCommand command, PluginRecord p)
    {
        command.Parameters.AddWithValue("@id", p.Id);
        command.Parameters.AddWithValue("@tenant", p.TenantId);
        command.Parameters.AddWithValue("@name", p.Name);
        command.Parameters.AddWithValue("@version", p.Version);
        command.Parameters.AddWithValue("@status", p.Status);
        command.Parameters.AddWithValue("@metadata", p.Metadata);
        command.Parameters.AddWithValue("@created", Time(p.CreatedAt));
        command.Parameters.AddWithValue("@updated", Time(p.UpdatedAt));
    }

    private static PluginRecord Read(SqliteDataReader r) => new(
        Id: r.GetString(0),
        TenantId: r.GetString(1),
        Name: r.GetString(2),
        Version: r.GetString(3),
        Status: r.GetString(4),
        Metadata: r.GetString(5),
        CreatedAt: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        UpdatedAt: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)));

    private static int ExecuteChecked(SqliteCommand command)
    {
        try
        {
            return command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == 275 /* SQLITE_CONSTRAINT_CHECK */)
        {
            throw new ArgumentException($"The plugin row was rejected by a database check ({ex.Message}); its metadata must be valid JSON.", ex);
        }
    }

    private static void Validate(PluginRecord plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        if (string.IsNullOrEmpty(plugin.Id) || string.IsNullOrEmpty(plugin.TenantId) || string.IsNullOrEmpty(plugin.Name) || string.IsNullOrEmpty(plugin.Version))
            throw new ArgumentException("A plugin row needs an id, a tenant, a name and a version.", nameof(plugin));
        if (!PluginStatuses.All.Contains(plugin.Status))
            throw new ArgumentException($"Plugin status must be one of {string.Join(", ", PluginStatuses.All)}, not '{plugin.Status}'.", nameof(plugin));
        ArgumentNullException.ThrowIfNull(plugin.Metadata);
    }

    private static PluginRecord Truncate(PluginRecord plugin) => plugin with
    {
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Time(plugin.CreatedAt)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Time(plugin.UpdatedAt)),
    };
}
