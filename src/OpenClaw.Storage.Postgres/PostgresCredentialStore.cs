using Npgsql;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>Encrypted credentials on PostgreSQL (the <c>credentials</c> table); times are stored to the millisecond.</summary>
public sealed class PostgresCredentialStore(PostgresDatabase database) : ICredentialStore
{
    private const string Columns = "id, tenant_id, name, type, description, fields::text, secret, key_id, created_at, updated_at, created_by, updated_by";

    /// <inheritdoc />
    public async Task<CredentialRecord> CreateAsync(CredentialRecord credential, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO credentials (id, tenant_id, name, type, description, fields, secret, key_id, created_at, updated_at, created_by, updated_by) " +
            "VALUES (@id, @tenant, @name, @type, @description, @fields::json, @secret, @key, @created, @updated, @created_by, @updated_by) ON CONFLICT DO NOTHING;", connection);
        Bind(command, credential);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            throw new DuplicateKeyException($"A credential named '{credential.Name}' already exists in tenant '{credential.TenantId}'.");
        return Truncate(credential);
    }

    /// <inheritdoc />
    public async Task<CredentialRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        (await ListWhereAsync("tenant_id = @tenant AND id = @id", c => { c.Parameters.AddWithValue("tenant", tenantId); c.Parameters.AddWithValue("id", id); }, cancellationToken)
            .ConfigureAwait(false)) is [var first, ..] ? first : null;

    /// <inheritdoc />
    public async Task<CredentialRecord?> FindByNameAsync(string tenantId, string name, CancellationToken cancellationToken = default) =>
        (await ListWhereAsync("tenant_id = @tenant AND name = @name", c => { c.Parameters.AddWithValue("tenant", tenantId); c.Parameters.AddWithValue("name", name); }, cancellationToken)
            .ConfigureAwait(false)) is [var first, ..] ? first : null;

    /// <inheritdoc />
    public Task<IReadOnlyList<CredentialRecord>> ListAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ListWhereAsync("tenant_id = @tenant ORDER BY name", c => c.Parameters.AddWithValue("tenant", tenantId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CredentialRecord>> ListNotUnderKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        ListWhereAsync("key_id <> @key ORDER BY tenant_id, name", c => c.Parameters.AddWithValue("key", keyId), cancellationToken);

    /// <inheritdoc />
    public async Task<CredentialRecord?> UpdateAsync(CredentialRecord credential, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE credentials SET name = @name, type = @type, description = @description, fields = @fields::json, secret = @secret, key_id = @key, " +
            $"updated_at = @updated, updated_by = @updated_by WHERE tenant_id = @tenant AND id = @id RETURNING {Columns};", connection);
        Bind(command, credential);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateKeyException($"A credential named '{credential.Name}' already exists in tenant '{credential.TenantId}'.");
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM credentials WHERE tenant_id = @tenant AND id = @id;", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<IReadOnlyList<CredentialRecord>> ListWhereAsync(string where, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM credentials WHERE {where};", connection);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<CredentialRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) result.Add(Read(reader));
        return result;
    }

    private static void Bind(NpgsqlCommand command, CredentialRecord c)
    {
        command.Parameters.AddWithValue("id", c.Id);
        command.Parameters.AddWithValue("tenant", c.TenantId);
        command.Parameters.AddWithValue("name", c.Name);
        command.Parameters.AddWithValue("type", c.Type);
        command.Parameters.Add(new NpgsqlParameter("description", NpgsqlTypes.NpgsqlDbType.Text) { Value = IntegrationRows.Nullable(c.Description) });
        command.Parameters.AddWithValue("fields", IntegrationRows.StringList(c.Fields));
        command.Parameters.AddWithValue("secret", c.Secret);
        command.Parameters.AddWithValue("key", c.KeyId);
        command.Parameters.AddWithValue("created", Utc(c.CreatedAt));
        command.Parameters.AddWithValue("updated", Utc(c.UpdatedAt));
        command.Parameters.Add(new NpgsqlParameter("created_by", NpgsqlTypes.NpgsqlDbType.Text) { Value = IntegrationRows.Nullable(c.CreatedBy) });
        command.Parameters.Add(new NpgsqlParameter("updated_by", NpgsqlTypes.NpgsqlDbType.Text) { Value = IntegrationRows.Nullable(c.UpdatedBy) });
    }

    private static CredentialRecord Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), GetTextOrNull(r, 4), IntegrationRows.GetStringList(r, 5),
        r.GetFieldValue<byte[]>(6), r.GetString(7), GetTime(r, 8), GetTime(r, 9), GetTextOrNull(r, 10), GetTextOrNull(r, 11));

    private static CredentialRecord Truncate(CredentialRecord c) => c with { CreatedAt = new DateTimeOffset(Utc(c.CreatedAt)), UpdatedAt = new DateTimeOffset(Utc(c.UpdatedAt)) };
}
