using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>Installed plugin versions on PostgreSQL (the <c>plugins</c> table).</summary>
/// <remarks>
/// Timestamps are taken from the records (the caller owns the clock) and stored to the millisecond; the returned records
/// carry the stored values. The metadata column is <c>json</c>, which checks it and keeps its text exactly.
/// </remarks>
public sealed class PostgresPluginStore : IPluginStore
{
    private const string Columns = "id, tenant_id, name, version, status, metadata::text, created_at, updated_at";

    private readonly PostgresDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public PostgresPluginStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<PluginRecord> CreateAsync(PluginRecord plugin, CancellationToken cancellationToken = default)
    {
        Validate(plugin);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO plugins (id, tenant_id, name, version, status, metadata, created_at, updated_at) " +
            "VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8) ON CONFLICT DO NOTHING;", connection);
        Bind(command, plugin);
        if (await ExecuteCheckedAsync(command, cancellationToken).ConfigureAwait(false) == 0)
            throw new DuplicateKeyException($"Plugin '{plugin.Name}' version {plugin.Version} is already installed in tenant '{plugin.TenantId}'.");
        return plugin with { CreatedAt = new DateTimeOffset(Utc(plugin.CreatedAt)), UpdatedAt = new DateTimeOffset(Utc(plugin.UpdatedAt)) };
    }

    /// <inheritdoc />
    public async Task<PluginRecord?> GetAsync(string tenantId, string name, string version, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM plugins WHERE tenant_id = $1 AND name = $2 AND version = $3;", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = version });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PluginRecord>> ListAsync(string tenantId, string? name = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // COLLATE "C": byte order, as SQLite's default BINARY collation sorts, whatever the database's locale.
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM plugins WHERE tenant_id = $1" + (name is null ? "" : " AND name = $2") +
            " ORDER BY name COLLATE \"C\", created_at, id COLLATE \"C\";", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        if (name is not null) command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<PluginRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) result.Add(Read(reader));
        return result;
    }

    /// <inheritdoc />
    public async Task<PluginRecord?> UpdateAsync(PluginRecord plugin, CancellationToken cancellationToken = default)
    {
        Validate(plugin);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE plugins SET status = $4, metadata = $5::json, updated_at = $6 " +
            $"WHERE tenant_id = $1 AND name = $2 AND version = $3 RETURNING {Columns};", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plugin.TenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plugin.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plugin.Version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plugin.Status });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plugin.Metadata });
        command.Parameters.Add(Parameter(Utc(plugin.UpdatedAt), NpgsqlDbType.TimestampTz));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.CheckViolation)
        {
            throw new ArgumentException($"Plugin '{plugin.Name}' was rejected by the database ({ex.MessageText}); its metadata must be valid JSON.", nameof(plugin), ex);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, string name, string version, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM plugins WHERE tenant_id = $1 AND name = $2 AND version = $3;", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = version });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static void Bind(NpgsqlCommand command, PluginRecord p)
    {
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string> { TypedValue = p.Id });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = p.TenantId });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = p.Name });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = p.Version });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = p.Status });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = p.Metadata });
        parameters.Add(Parameter(Utc(p.CreatedAt), NpgsqlDbType.TimestampTz));
        parameters.Add(Parameter(Utc(p.UpdatedAt), NpgsqlDbType.TimestampTz));
    }

    private static PluginRecord Read(NpgsqlDataReader r) => new(
        Id: r.GetString(0),
        TenantId: r.GetString(1),
        Name: r.GetString(2),
        Version: r.GetString(3),
        Status: r.GetString(4),
        Metadata: r.GetString(5),
        CreatedAt: GetTime(r, 6),
        UpdatedAt: GetTime(r, 7));

    private static async Task<int> ExecuteCheckedAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.CheckViolation)
        {
            throw new ArgumentException($"The plugin row was rejected by the database ({ex.MessageText}); its metadata must be valid JSON.", ex);
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
}
