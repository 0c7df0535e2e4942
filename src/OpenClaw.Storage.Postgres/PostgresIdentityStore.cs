using Npgsql;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresCommands;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>Tenants, users, refresh tokens, API keys, OAuth2 clients and server keys on PostgreSQL.</summary>
public sealed class PostgresIdentityStore : IIdentityStore
{
    private const string TenantColumns = "tenant_id, name, max_workflows, max_executions_per_day, requests_per_minute, created_at";
    private const string UserColumns =
        "id, tenant_id, username, email, password_hash, role, is_active, must_change_password, failed_logins, locked_until, created_at, updated_at";
    private const string RefreshColumns = "id, tenant_id, user_id, family_id, token_hash, expires_at, created_at, used_at, revoked_at";
    private const string KeyColumns =
        "id, tenant_id, name, prefix, key_hash, role, scopes, created_by, expires_at, last_used_at, revoked_at, created_at";
    private const string ClientColumns = "id, tenant_id, client_id, name, secret_hash, role, scopes, created_by, revoked_at, created_at";

    private readonly PostgresDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public PostgresIdentityStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<TenantRecord> CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentException.ThrowIfNullOrEmpty(tenant.Id);
        var inserted = await WriteAsync(_database, null,
            $"INSERT INTO tenants ({TenantColumns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING;", cancellationToken,
            tenant.Id, tenant.Name, Nullable(tenant.MaxWorkflows), Nullable(tenant.MaxExecutionsPerDay), Nullable(tenant.RequestsPerMinute), tenant.CreatedAt)
            .ConfigureAwait(false);
        if (inserted == 0) throw new DuplicateKeyException($"Tenant '{tenant.Id}' already exists.");
        return tenant with { CreatedAt = Millis(tenant.CreatedAt) };
    }

    /// <inheritdoc />
    public Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ReadOneAsync(_database, $"SELECT {TenantColumns} FROM tenants WHERE tenant_id = $1;", ReadTenant, cancellationToken, tenantId);

    /// <inheritdoc />
    public Task<TenantRecord?> UpdateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return ReadOneAsync(_database,
            $"UPDATE tenants SET name = $2, max_workflows = $3, max_executions_per_day = $4, requests_per_minute = $5 WHERE tenant_id = $1 RETURNING {TenantColumns};",
            ReadTenant, cancellationToken, tenant.Id, tenant.Name, Nullable(tenant.MaxWorkflows), Nullable(tenant.MaxExecutionsPerDay), Nullable(tenant.RequestsPerMinute));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(_database, $"SELECT {TenantColumns} FROM tenants ORDER BY tenant_id COLLATE \"C\";", ReadTenant, cancellationToken);

    /// <inheritdoc />
    public async Task<UserRecord> CreateUserAsync(UserRecord user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        CheckRole(user.Role);
        await WriteAsync(_database, $"User '{user.Username}' (or that email) already exists in tenant '{user.TenantId}'.",
            $"INSERT INTO users ({UserColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);", cancellationToken,
            user.Id, user.TenantId, user.Username, user.Email, user.PasswordHash, user.Role, user.IsActive, user.MustChangePassword, user.FailedLogins,
            Nullable(user.LockedUntil), user.CreatedAt, user.UpdatedAt).ConfigureAwait(false);
        return user with { CreatedAt = Millis(user.CreatedAt), UpdatedAt = Millis(user.UpdatedAt), LockedUntil = Millis(user.LockedUntil) };
    }

    /// <inheritdoc />
    public Task<UserRecord?> GetUserAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        ReadOneAsync(_database, $"SELECT {UserColumns} FROM users WHERE tenant_id = $1 AND id = $2;", ReadUser, cancellationToken, tenantId, id);

    /// <inheritdoc />
    public Task<UserRecord?> FindUserAsync(string tenantId, string username, CancellationToken cancellationToken = default) =>
        ReadOneAsync(_database, $"SELECT {UserColumns} FROM users WHERE tenant_id = $1 AND lower(username) = lower($2);", ReadUser, cancellationToken, tenantId, username);

    /// <inheritdoc />
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ReadAsync(_database, $"SELECT {UserColumns} FROM users WHERE tenant_id = $1 ORDER BY lower(username) COLLATE \"C\", id;", ReadUser, cancellationToken, tenantId);

    /// <inheritdoc />
    public async Task<long> CountUsersAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync(_database, "SELECT count(*) FROM users;", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public async Task<UserRecord?> UpdateUserAsync(UserRecord user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        CheckRole(user.Role);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Create(connection,
            "UPDATE users SET email = $3, password_hash = $4, role = $5, is_active = $6, must_change_password = $7, failed_logins = $8, " +
            $"locked_until = $9, updated_at = $10 WHERE tenant_id = $1 AND id = $2 RETURNING {UserColumns};",
            user.TenantId, user.Id, user.Email, user.PasswordHash, user.Role, user.IsActive, user.MustChangePassword, user.FailedLogins,
            Nullable(user.LockedUntil), user.UpdatedAt);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadUser(reader) : null;
        }
        catch (PostgresException ex)
        {
            throw Translate(ex, $"User '{user.Username}' could not be updated: that email belongs to another user of the tenant.");
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteUserAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        await WriteAsync(_database, null, "DELETE FROM users WHERE tenant_id = $1 AND id = $2;", cancellationToken, tenantId, id).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public Task<UserRecord?> RecordFailedLoginAsync(string tenantId, Guid id, int maxFailures, DateTimeOffset lockedUntil, CancellationToken cancellationToken = default) =>
        ReadOneAsync(_database,
            "UPDATE users SET failed_logins = failed_logins + 1, locked_until = CASE WHEN failed_logins + 1 >= $3 THEN $4 ELSE locked_until END " +
            $"WHERE tenant_id = $1 AND id = $2 RETURNING {UserColumns};", ReadUser, cancellationToken, tenantId, id, maxFailures, lockedUntil);

    /// <inheritdoc />
    public Task ResetFailedLoginsAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        WriteAsync(_database, null,
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE tenant_id = $1 AND id = $2 AND (failed_logins <> 0 OR locked_until IS NOT NULL);",
            cancellationToken, tenantId, id);

    /// <inheritdoc />
    public Task CreateRefreshTokenAsync(RefreshTokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return WriteAsync(_database, null, $"INSERT INTO refresh_tokens ({RefreshColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);", cancellationToken,
            token.Id, token.TenantId, token.UserId, token.FamilyId, token.TokenHash, token.ExpiresAt, token.CreatedAt, Nullable(token.UsedAt), Nullable(token.RevokedAt));
    }

    /// <inheritdoc />
    public Task<RefreshTokenRecord?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        ReadOneAsync(_database, $"SELECT {RefreshColumns} FROM refresh_tokens WHERE token_hash = $1;", ReadRefresh, cancellationToken, tokenHash);

    /// <inheritdoc />
    public async Task<bool> MarkRefreshTokenUsedAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await WriteAsync(_database, null, "UPDATE refresh_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL;", cancellationToken, id, at)
            .ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public Task<int> RevokeRefreshTokenFamilyAsync(Guid familyId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WriteAsync(_database, null, "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL;", cancellationToken, familyId, at);

    /// <inheritdoc />
    public Task<int> RevokeUserRefreshTokensAsync(string tenantId, Guid userId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WriteAsync(_database, null, "UPDATE refresh_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL;", cancellationToken,
            tenantId, userId, at);

    /// <inheritdoc />
    public Task<IReadOnlyList<Guid>> ListRevokedRefreshFamiliesAsync(string tenantId, Guid userId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        ReadAsync(_database, "SELECT DISTINCT family_id FROM refresh_tokens WHERE tenant_id = $1 AND user_id = $2 AND revoked_at >= $3;",
            r => r.GetGuid(0), cancellationToken, tenantId, userId, since);

    /// <inheritdoc />
    public async Task<ApiKeyRecord> CreateApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckRole(key.Role);
        await WriteAsync(_database, $"API key '{key.Name}' collides with an existing key id or hash.",
            $"INSERT INTO api_keys ({KeyColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);", cancellationToken,
            key.Id, key.TenantId, key.Name, key.Prefix, key.KeyHash, key.Role, key.Scopes, Nullable(key.CreatedBy), Nullable(key.ExpiresAt),
            Nullable(key.LastUsedAt), Nullable(key.RevokedAt), key.CreatedAt).ConfigureAwait(false);
        return key with
        {
            CreatedAt = Millis(key.CreatedAt), ExpiresAt = Millis(key.ExpiresAt), LastUsedAt = Millis(key.LastUsedAt), RevokedAt = Millis(key.RevokedAt),
        };
    }

    /// <inheritdoc />
    public Task<ApiKeyRecord?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken = default) =>
        ReadOneAsync(_database, $"SELECT {KeyColumns} FROM api_keys WHERE key_hash = $1;", ReadKey, cancellationToken, keyHash);

    /// <inheritdoc />
    public Task<ApiKeyRecord?> GetApiKeyAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        ReadOneAsync(_database, $"SELECT {KeyColumns} FROM api_keys WHERE tenant_id = $1 AND id = $2;", ReadKey, cancellationToken, tenantId, id);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ReadAsync(_database, $"SELECT {KeyColumns} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id;", ReadKey, cancellationToken, tenantId);

    /// <inheritdoc />
    public async Task<bool> RevokeApiKeyAsync(string tenantId, Guid id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await WriteAsync(_database, null, "UPDATE api_keys SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL;", cancellationToken,
            tenantId, id, at).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public async Task TouchApiKeysAsync(IReadOnlyDictionary<Guid, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lastUsed);
        if (lastUsed.Count == 0) return;
        var ids = lastUsed.Keys.ToArray();
        var times = ids.Select(id => Utc(lastUsed[id])).ToArray();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE api_keys k SET last_used_at = u.at FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) " +
            "WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at);", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        command.Parameters.Add(new NpgsqlParameter { Value = times });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<OAuthClientRecord> CreateOAuthClientAsync(OAuthClientRecord client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        CheckRole(client.Role);
        await WriteAsync(_database, $"OAuth client id '{client.ClientId}' already exists.",
            $"INSERT INTO oauth_clients ({ClientColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);", cancellationToken,
            client.Id, client.TenantId, client.ClientId, client.Name, client.SecretHash, client.Role, client.Scopes, Nullable(client.CreatedBy),
            Nullable(client.RevokedAt), client.CreatedAt).ConfigureAwait(false);
        return client with { CreatedAt = Millis(client.CreatedAt), RevokedAt = Millis(client.RevokedAt) };
    }

    /// <inheritdoc />
    public Task<OAuthClientRecord?> FindOAuthClientAsync(string clientId, CancellationToken cancellationToken = default) =>
        ReadOneAsync(_database, $"SELECT {ClientColumns} FROM oauth_clients WHERE client_id = $1;", ReadClient, cancellationToken, clientId);

    /// <inheritdoc />
    public Task<IReadOnlyList<OAuthClientRecord>> ListOAuthClientsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ReadAsync(_database, $"SELECT {ClientColumns} FROM oauth_clients WHERE tenant_id = $1 ORDER BY created_at, id;", ReadClient, cancellationToken, tenantId);

    /// <inheritdoc />
    public async Task<bool> RevokeOAuthClientAsync(string tenantId, Guid id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await WriteAsync(_database, null, "UPDATE oauth_clients SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL;", cancellationToken,
            tenantId, id, at).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public async Task<string> GetOrAddServerKeyAsync(string name, string candidate, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(candidate);
        // Two statements, not one CTE: a CTE's SELECT cannot see a row another node inserted concurrently (same snapshot).
        await WriteAsync(_database, null, "INSERT INTO server_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING;",
            cancellationToken, name, candidate, at).ConfigureAwait(false);
        return (await ReadAsync(_database, "SELECT value FROM server_keys WHERE name = $1;", r => r.GetString(0), cancellationToken, name).ConfigureAwait(false))[0];
    }

    private static void CheckRole(string role)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"Role '{role}' is not one of {string.Join(", ", Roles.All)}.", nameof(role));
    }

    private static DateTimeOffset Millis(DateTimeOffset value) => new(Utc(value));

    private static DateTimeOffset? Millis(DateTimeOffset? value) => value is { } v ? Millis(v) : null;

    private static int? IntOrNull(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    private static TenantRecord ReadTenant(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), IntOrNull(r, 2), IntOrNull(r, 3), IntOrNull(r, 4), GetTime(r, 5));

    private static UserRecord ReadUser(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), GetTextOrNull(r, 3), r.GetString(4), r.GetString(5), r.GetBoolean(6), r.GetBoolean(7),
        r.GetInt32(8), GetTimeOrNull(r, 9), GetTime(r, 10), GetTime(r, 11));

    private static RefreshTokenRecord ReadRefresh(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetGuid(3), r.GetString(4), GetTime(r, 5), GetTime(r, 6), GetTimeOrNull(r, 7), GetTimeOrNull(r, 8));

    private static ApiKeyRecord ReadKey(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetFieldValue<string[]>(6), GetIdOrNull(r, 7),
        GetTimeOrNull(r, 8), GetTimeOrNull(r, 9), GetTimeOrNull(r, 10), GetTime(r, 11));

    private static OAuthClientRecord ReadClient(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetFieldValue<string[]>(6), GetIdOrNull(r, 7),
        GetTimeOrNull(r, 8), GetTime(r, 9));
}
