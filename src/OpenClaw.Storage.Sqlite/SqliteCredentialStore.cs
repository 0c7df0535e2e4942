using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Encrypted credentials on SQLite (the <c>credentials</c> table); times are stored to the millisecond.</summary>
public sealed class SqliteCredentialStore(SqliteDatabase database) : ICredentialStore
{
    private const string Columns = "id, tenant_id, name, type, description, fields, secret, key_id, created_at, updated_at, created_by, updated_by";

    /// <inheritdoc />
    public async Task<CredentialRecord> CreateAsync(CredentialRecord credential, CancellationToken cancellationToken = default)
    {
        var stored = Truncate(credential);
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"INSERT INTO credentials ({Columns}) VALUES (@id, @tenant, @name, @type, @description, @fields, @secret, @key, @created, @updated, @created_by, @updated_by) ON CONFLICT DO NOTHING;";
        Bind(command, stored);
        if (command.ExecuteNonQuery() == 0)
            throw new DuplicateKeyException($"A credential named '{credential.Name}' already exists in tenant '{credential.TenantId}'.");
        return stored;
    }

    /// <inheritdoc />
    public Task<CredentialRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        SingleAsync("tenant_id = @tenant AND id = @id", c => { c.Parameters.AddWithValue("@tenant", tenantId); c.Parameters.AddWithValue("@id", Id(id)); }, cancellationToken);

    /// <inheritdoc />
    public Task<CredentialRecord?> FindByNameAsync(string tenantId, string name, CancellationToken cancellationToken = default) =>
        SingleAsync("tenant_id = @tenant AND name = @name", c => { c.Parameters.AddWithValue("@tenant", tenantId); c.Parameters.AddWithValue("@name", name); }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CredentialRecord>> ListAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ListWhereAsync("tenant_id = @tenant ORDER BY name", c => c.Parameters.AddWithValue("@tenant", tenantId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CredentialRecord>> ListNotUnderKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        ListWhereAsync("key_id <> @key ORDER BY tenant_id, name", c => c.Parameters.AddWithValue("@key", keyId), cancellationToken);

    /// <inheritdoc />
    public async Task<CredentialRecord?> UpdateAsync(CredentialRecord credential, CancellationToken cancellationToken = default)
    {
        var incoming = Truncate(credential);
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "UPDATE credentials SET name = @name, type = @type, description = @description, fields = @fields, secret = @secret, key_id = @key, " +
            $"updated_at = @updated, updated_by = @updated_by WHERE tenant_id = @tenant AND id = @id RETURNING {Columns};";
        Bind(command, incoming);
        try
        {
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == 2067 /* SQLITE_CONSTRAINT_UNIQUE */)
        {
            throw new DuplicateKeyException($"A credential named '{credential.Name}' already exists in tenant '{credential.TenantId}'.");
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        using var lease = await database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "DELETE FROM credentials WHERE tenant_id = @tenant AND id = @id;";
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@id", Id(id));
        return command.ExecuteNonQuery() > 0;
    }

    private async Task<CredentialRecord?> SingleAsync(string where, Action<SqliteCommand> bind, CancellationToken cancellationToken) =>
        (await ListWhereAsync(where, bind, cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first : null;

    private async Task<IReadOnlyList<CredentialRecord>> ListWhereAsync(string where, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        using var lease = await database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM credentials WHERE {where};";
        bind(command);
        using var reader = command.ExecuteReader();
        var result = new List<CredentialRecord>();
        while (reader.Read()) result.Add(Read(reader));
        return result;
    }

    private static void Bind(SqliteCommand command, CredentialRecord c)
    {
        command.Parameters.AddWithValue("@id", Id(c.Id));
        command.Parameters.AddWithValue("@tenant", c.TenantId);
        command.Parameters.AddWithValue("@name", c.Name);
        command.Parameters.AddWithValue("@type", c.Type);
        command.Parameters.AddWithValue("@description", Text(c.Description));
        command.Parameters.AddWithValue("@fields", StringList(c.Fields));
        command.Parameters.AddWithValue("@secret", c.Secret);
        command.Parameters.AddWithValue("@key", c.KeyId);
        command.Parameters.AddWithValue("@created", Time(c.CreatedAt));
        command.Parameters.AddWithValue("@updated", Time(c.UpdatedAt));
        command.Parameters.AddWithValue("@created_by", Text(c.CreatedBy));
        command.Parameters.AddWithValue("@updated_by", Text(c.UpdatedBy));
    }

    private static CredentialRecord Read(SqliteDataReader r) => new(
        GetId(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), GetTextOrNull(r, 4), GetStringList(r, 5), (byte[])r.GetValue(6),
        r.GetString(7), GetTime(r, 8), GetTime(r, 9), GetTextOrNull(r, 10), GetTextOrNull(r, 11));

    private static CredentialRecord Truncate(CredentialRecord c) => c with { CreatedAt = Millis(c.CreatedAt), UpdatedAt = Millis(c.UpdatedAt) };

    private static DateTimeOffset Millis(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(Time(value));
}
