using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Sqlite.SqliteValues;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Tenants, users, refresh tokens, API keys, OAuth2 clients and server keys on SQLite.</summary>
public sealed class SqliteIdentityStore : IIdentityStore
{
    private const string TenantColumns = "tenant_id, name, max_workflows, max_executions_per_day, requests_per_minute, created_at";
    private const string UserColumns =
        "id, tenant_id, username, email, password_hash, role, is_active, must_change_password, failed_logins, locked_until, created_at, updated_at";
    private const string RefreshColumns = "id, tenant_id, user_id, family_id, token_hash, expires_at, created_at, used_at, revoked_at";
    private const string KeyColumns =
        "id, tenant_id, name, prefix, key_hash, role, scopes, created_by, expires_at, last_used_at, revoked_at, created_at";
    private const string ClientColumns = "id, tenant_id, client_id, name, secret_hash, role, scopes, created_by, revoked_at, created_at";

    private readonly SqliteDatabase _database;

    /// <summary>Creates the store over <paramref name="database"/> (which it does not own).</summary>
    public SqliteIdentityStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<TenantRecord> CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentException.ThrowIfNullOrEmpty(tenant.Id);
        var stored = tenant with { CreatedAt = Millis(tenant.CreatedAt) };
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"INSERT INTO tenants ({TenantColumns}) VALUES (@id, @name, @wf, @ex, @rpm, @created) ON CONFLICT DO NOTHING;";
        command.Parameters.AddWithValue("@id", tenant.Id);
        command.Parameters.AddWithValue("@name", tenant.Name);
        command.Parameters.AddWithValue("@wf", (object?)tenant.MaxWorkflows ?? DBNull.Value);
        command.Parameters.AddWithValue("@ex", (object?)tenant.MaxExecutionsPerDay ?? DBNull.Value);
        command.Parameters.AddWithValue("@rpm", (object?)tenant.RequestsPerMinute ?? DBNull.Value);
        command.Parameters.AddWithValue("@created", Time(tenant.CreatedAt));
        if (Execute(command) == 0) throw new DuplicateKeyException($"Tenant '{tenant.Id}' already exists.");
        return stored;
    }

    /// <inheritdoc />
    public async Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        await ReadOneAsync($"SELECT {TenantColumns} FROM tenants WHERE tenant_id = @p0;", ReadTenant, cancellationToken, tenantId).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<TenantRecord?> UpdateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = "UPDATE tenants SET name = @name, max_workflows = @wf, max_executions_per_day = @ex, requests_per_minute = @rpm " +
            $"WHERE tenant_id = @id RETURNING {TenantColumns};";
        command.Parameters.AddWithValue("@id", tenant.Id);
        command.Parameters.AddWithValue("@name", tenant.Name);
        command.Parameters.AddWithValue("@wf", (object?)tenant.MaxWorkflows ?? DBNull.Value);
        command.Parameters.AddWithValue("@ex", (object?)tenant.MaxExecutionsPerDay ?? DBNull.Value);
        command.Parameters.AddWithValue("@rpm", (object?)tenant.RequestsPerMinute ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadTenant(reader) : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync($"SELECT {TenantColumns} FROM tenants ORDER BY tenant_id;", ReadTenant, cancellationToken);

    /// <inheritdoc />
    public async Task<UserRecord> CreateUserAsync(UserRecord user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        CheckRole(user.Role);
        var stored = Truncate(user);
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = $"INSERT INTO users ({UserColumns}) VALUES (@id, @tenant, @username, @email, @hash, @role, @active, @must, @failed, @locked, @created, @updated);";
        BindUser(command, stored);
        command.Parameters.AddWithValue("@username", user.Username);
        command.Parameters.AddWithValue("@created", Time(user.CreatedAt));
        Execute(command, $"User '{user.Username}' (or that email) already exists in tenant '{user.TenantId}'.");
        return stored;
    }

    /// <inheritdoc />
    public async Task<UserRecord?> GetUserAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        await ReadOneAsync($"SELECT {UserColumns} FROM users WHERE tenant_id = @p0 AND id = @p1;", ReadUser, cancellationToken, tenantId, Id(id)).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<UserRecord?> FindUserAsync(string tenantId, string username, CancellationToken cancellationToken = default) =>
        await ReadOneAsync($"SELECT {UserColumns} FROM users WHERE tenant_id = @p0 AND username = @p1;", ReadUser, cancellationToken, tenantId, username).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ReadAsync($"SELECT {UserColumns} FROM users WHERE tenant_id = @p0 ORDER BY username, id;", ReadUser, cancellationToken, tenantId);

    /// <inheritdoc />
    public async Task<long> CountUsersAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync("SELECT count(*) FROM users;", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public async Task<UserRecord?> UpdateUserAsync(UserRecord user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        CheckRole(user.Role);
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "UPDATE users SET email = @email, password_hash = @hash, role = @role, is_active = @active, must_change_password = @must, " +
            "failed_logins = @failed, locked_until = @locked, updated_at = @updated " +
            $"WHERE tenant_id = @tenant AND id = @id RETURNING {UserColumns};";
        BindUser(command, user);
        try
        {
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadUser(reader) : null;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw Constraint(ex, $"User '{user.Username}' could not be updated: that email belongs to another user of the tenant.");
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteUserAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        await WriteAsync("DELETE FROM users WHERE tenant_id = @p0 AND id = @p1;", cancellationToken, tenantId, Id(id)).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public async Task<UserRecord?> RecordFailedLoginAsync(string tenantId, Guid id, int maxFailures, DateTimeOffset lockedUntil, CancellationToken cancellationToken = default)
    {
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "UPDATE users SET failed_logins = failed_logins + 1, " +
            "locked_until = CASE WHEN failed_logins + 1 >= @max THEN @until ELSE locked_until END " +
            $"WHERE tenant_id = @p0 AND id = @p1 RETURNING {UserColumns};";
        command.Parameters.AddWithValue("@p0", tenantId);
        command.Parameters.AddWithValue("@p1", Id(id));
        command.Parameters.AddWithValue("@max", maxFailures);
        command.Parameters.AddWithValue("@until", Time(lockedUntil));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadUser(reader) : null;
    }

    /// <inheritdoc />
    public Task ResetFailedLoginsAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        WriteAsync("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE tenant_id = @p0 AND id = @p1 AND (failed_logins <> 0 OR locked_until IS NOT NULL);",
            cancellationToken, tenantId, Id(id));

    /// <inheritdoc />
    public Task CreateRefreshTokenAsync(RefreshTokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return WriteAsync($"INSERT INTO refresh_tokens ({RefreshColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8);", cancellationToken,
            Id(token.Id), token.TenantId, Id(token.UserId), Id(token.FamilyId), token.TokenHash, Time(token.ExpiresAt), Time(token.CreatedAt),
            Time(token.UsedAt), Time(token.RevokedAt));
    }

    /// <inheritdoc />
    public async Task<RefreshTokenRecord?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        await ReadOneAsync($"SELECT {RefreshColumns} FROM refresh_tokens WHERE token_hash = @p0;", ReadRefresh, cancellationToken, tokenHash).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<bool> MarkRefreshTokenUsedAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await WriteAsync("UPDATE refresh_tokens SET used_at = @p1 WHERE id = @p0 AND used_at IS NULL AND revoked_at IS NULL;", cancellationToken,
            Id(id), Time(at)).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public Task<int> RevokeRefreshTokenFamilyAsync(Guid familyId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WriteAsync("UPDATE refresh_tokens SET revoked_at = @p1 WHERE family_id = @p0 AND revoked_at IS NULL;", cancellationToken, Id(familyId), Time(at));

    /// <inheritdoc />
    public Task<int> RevokeUserRefreshTokensAsync(string tenantId, Guid userId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WriteAsync("UPDATE refresh_tokens SET revoked_at = @p2 WHERE tenant_id = @p0 AND user_id = @p1 AND revoked_at IS NULL;", cancellationToken,
            tenantId, Id(userId), Time(at));

    /// <inheritdoc />
    public Task<IReadOnlyList<Guid>> ListRevokedRefreshFamiliesAsync(string tenantId, Guid userId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        ReadAsync("SELECT DISTINCT family_id FROM refresh_tokens WHERE tenant_id = @p0 AND user_id = @p1 AND revoked_at >= @p2;",
            r => GetId(r, 0), cancellationToken, tenantId, Id(userId), Time(since));

    /// <inheritdoc />
    public async Task<ApiKeyRecord> CreateApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckRole(key.Role);
        var stored = key with
        {
            CreatedAt = Millis(key.CreatedAt), ExpiresAt = Millis(key.ExpiresAt), LastUsedAt = Millis(key.LastUsedAt), RevokedAt = Millis(key.RevokedAt),
        };
        await InsertAsync($"API key '{key.Name}' collides with an existing key id or hash.",
            $"INSERT INTO api_keys ({KeyColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11);", cancellationToken,
            Id(key.Id), key.TenantId, key.Name, key.Prefix, key.KeyHash, key.Role, StringList(key.Scopes), Id(key.CreatedBy), Time(key.ExpiresAt),
            Time(key.LastUsedAt), Time(key.RevokedAt), Time(key.CreatedAt)).ConfigureAwait(false);
        return stored;
    }

    /// <inheritdoc />
    public async Task<ApiKeyRecord?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken = default) =>
        await ReadOneAsync($"SELECT {KeyColumns} FROM api_keys WHERE key_hash = @p0;", ReadKey, cancellationToken, keyHash).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<ApiKeyRecord?> GetApiKeyAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        await ReadOneAsync($"SELECT {KeyColumns} FROM api_keys WHERE tenant_id = @p0 AND id = @p1;", ReadKey, cancellationToken, tenantId, Id(id)).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ReadAsync($"SELECT {KeyColumns} FROM api_keys WHERE tenant_id = @p0 ORDER BY created_at, id;", ReadKey, cancellationToken, tenantId);

    /// <inheritdoc />
    public async Task<bool> RevokeApiKeyAsync(string tenantId, Guid id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await WriteAsync("UPDATE api_keys SET revoked_at = @p2 WHERE tenant_id = @p0 AND id = @p1 AND revoked_at IS NULL;", cancellationToken,
            tenantId, Id(id), Time(at)).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public async Task TouchApiKeysAsync(IReadOnlyDictionary<Guid, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lastUsed);
        if (lastUsed.Count == 0) return;
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = lease.Connection.BeginTransaction();
        foreach (var (id, at) in lastUsed)
        {
            using var command = lease.Connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE api_keys SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at);";
            command.Parameters.AddWithValue("@id", Id(id));
            command.Parameters.AddWithValue("@at", Time(at));
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <inheritdoc />
    public async Task<OAuthClientRecord> CreateOAuthClientAsync(OAuthClientRecord client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        CheckRole(client.Role);
        var stored = client with { CreatedAt = Millis(client.CreatedAt), RevokedAt = Millis(client.RevokedAt) };
        await InsertAsync($"OAuth client id '{client.ClientId}' already exists.",
            $"INSERT INTO oauth_clients ({ClientColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9);", cancellationToken,
            Id(client.Id), client.TenantId, client.ClientId, client.Name, client.SecretHash, client.Role, StringList(client.Scopes), Id(client.CreatedBy),
            Time(client.RevokedAt), Time(client.CreatedAt)).ConfigureAwait(false);
        return stored;
    }

    /// <inheritdoc />
    public async Task<OAuthClientRecord?> FindOAuthClientAsync(string clientId, CancellationToken cancellationToken = default) =>
        await ReadOneAsync($"SELECT {ClientColumns} FROM oauth_clients WHERE client_id = @p0;", ReadClient, cancellationToken, clientId).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<IReadOnlyList<OAuthClientRecord>> ListOAuthClientsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ReadAsync($"SELECT {ClientColumns} FROM oauth_clients WHERE tenant_id = @p0 ORDER BY created_at, id;", ReadClient, cancellationToken, tenantId);

    /// <inheritdoc />
    public async Task<bool> RevokeOAuthClientAsync(string tenantId, Guid id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await WriteAsync("UPDATE oauth_clients SET revoked_at = @p2 WHERE tenant_id = @p0 AND id = @p1 AND revoked_at IS NULL;", cancellationToken,
            tenantId, Id(id), Time(at)).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public async Task<string> GetOrAddServerKeyAsync(string name, string candidate, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(candidate);
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText =
            "INSERT INTO server_keys (name, value, created_at) VALUES (@name, @value, @at) ON CONFLICT (name) DO NOTHING;" +
            "SELECT value FROM server_keys WHERE name = @name;";
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@value", candidate);
        command.Parameters.AddWithValue("@at", Time(at));
        return (string)command.ExecuteScalar()!;
    }

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params object[] parameters)
    {
        using var lease = await _database.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++) command.Parameters.AddWithValue($"@p{i}", parameters[i]);
        using var reader = command.ExecuteReader();
        var result = new List<T>();
        while (reader.Read()) result.Add(read(reader));
        return result;
    }

    private async Task<T?> ReadOneAsync<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params object[] parameters)
        where T : class
    {
        var rows = await ReadAsync(sql, read, cancellationToken, parameters).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    private Task<int> WriteAsync(string sql, CancellationToken cancellationToken, params object[] parameters) =>
        InsertAsync(null, sql, cancellationToken, parameters);

    private async Task<int> InsertAsync(string? duplicateMessage, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        using var lease = await _database.AcquireWriterAsync(cancellationToken).ConfigureAwait(false);
        using var command = lease.Connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++) command.Parameters.AddWithValue($"@p{i}", parameters[i]);
        return Execute(command, duplicateMessage);
    }

    private static int Execute(SqliteCommand command, string? duplicateMessage = null)
    {
        try
        {
            return command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw Constraint(ex, duplicateMessage ?? "The row collides with an existing one.");
        }
    }

    /// <summary>A uniqueness failure is a duplicate; a foreign-key or check failure is a bad argument (unknown tenant, bad JSON).</summary>
    private static Exception Constraint(SqliteException ex, string duplicateMessage) => ex.SqliteExtendedErrorCode switch
    {
        2067 /* UNIQUE */ or 1555 /* PRIMARYKEY */ => new DuplicateKeyException(duplicateMessage),
        787 /* FOREIGNKEY */ => new ArgumentException($"The row refers to something that does not exist ({ex.Message}), e.g. an unknown tenant.", ex),
        _ => new ArgumentException($"The row was rejected by a database check ({ex.Message}).", ex),
    };

    private static void CheckRole(string role)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"Role '{role}' is not one of {string.Join(", ", Roles.All)}.", nameof(role));
    }

    private static void BindUser(SqliteCommand command, UserRecord user)
    {
        command.Parameters.AddWithValue("@id", Id(user.Id));
        command.Parameters.AddWithValue("@tenant", user.TenantId);
        command.Parameters.AddWithValue("@email", Text(user.Email));
        command.Parameters.AddWithValue("@hash", user.PasswordHash);
        command.Parameters.AddWithValue("@role", user.Role);
        command.Parameters.AddWithValue("@active", user.IsActive ? 1 : 0);
        command.Parameters.AddWithValue("@must", user.MustChangePassword ? 1 : 0);
        command.Parameters.AddWithValue("@failed", user.FailedLogins);
        command.Parameters.AddWithValue("@locked", Time(user.LockedUntil));
        command.Parameters.AddWithValue("@updated", Time(user.UpdatedAt));
    }

    private static DateTimeOffset Millis(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    private static DateTimeOffset? Millis(DateTimeOffset? value) => value is { } v ? Millis(v) : null;

    private static UserRecord Truncate(UserRecord user) =>
        user with { CreatedAt = Millis(user.CreatedAt), UpdatedAt = Millis(user.UpdatedAt), LockedUntil = Millis(user.LockedUntil) };

    private static TenantRecord ReadTenant(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt32(3),
        r.IsDBNull(4) ? null : r.GetInt32(4), GetTime(r, 5));

    private static UserRecord ReadUser(SqliteDataReader r) => new(
        GetId(r, 0), r.GetString(1), r.GetString(2), GetTextOrNull(r, 3), r.GetString(4), r.GetString(5), r.GetInt64(6) == 1, r.GetInt64(7) == 1,
        r.GetInt32(8), GetTimeOrNull(r, 9), GetTime(r, 10), GetTime(r, 11));

    private static RefreshTokenRecord ReadRefresh(SqliteDataReader r) => new(
        GetId(r, 0), r.GetString(1), GetId(r, 2), GetId(r, 3), r.GetString(4), GetTime(r, 5), GetTime(r, 6), GetTimeOrNull(r, 7), GetTimeOrNull(r, 8));

    private static ApiKeyRecord ReadKey(SqliteDataReader r) => new(
        GetId(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), GetStringList(r, 6), GetIdOrNull(r, 7),
        GetTimeOrNull(r, 8), GetTimeOrNull(r, 9), GetTimeOrNull(r, 10), GetTime(r, 11));

    private static OAuthClientRecord ReadClient(SqliteDataReader r) => new(
        GetId(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), GetStringList(r, 6), GetIdOrNull(r, 7),
        GetTimeOrNull(r, 8), GetTime(r, 9));
}
