namespace OpenClaw.Core.Storage;

/// <summary>
/// Who may call and how they prove it: tenants, users, refresh tokens, API keys, OAuth2 clients and the server-wide
/// signing key. Every lookup by a secret takes its hash; no secret reaches the store.
/// </summary>
/// <remarks>Times are taken from the records or arguments (the caller owns the clock) and stored to the millisecond.</remarks>
public interface IIdentityStore
{
    /// <exception cref="DuplicateKeyException">A tenant with that id exists.</exception>
    Task<TenantRecord> CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default);

    Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the name, quotas and rate limit of the tenant the record names.</summary>
    /// <returns>The stored tenant, or null when there is none.</returns>
    Task<TenantRecord?> UpdateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default);

    /// <summary>Every tenant, by id.</summary>
    Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default);

    /// <exception cref="DuplicateKeyException">The tenant has a user with that name or email (case-insensitive), or the id exists.</exception>
    /// <exception cref="ArgumentException">The role is not one of <see cref="Roles.All"/> or the tenant does not exist.</exception>
    Task<UserRecord> CreateUserAsync(UserRecord user, CancellationToken cancellationToken = default);

    Task<UserRecord?> GetUserAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>The tenant's user with that name (case-insensitive), or null.</summary>
    Task<UserRecord?> FindUserAsync(string tenantId, string username, CancellationToken cancellationToken = default);

    /// <summary>The tenant's users by name.</summary>
    Task<IReadOnlyList<UserRecord>> ListUsersAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Users in all tenants (first start creates an administrator when there are none).</summary>
    Task<long> CountUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces email, password hash, role, active and must-change flags, login counters and <see cref="UserRecord.UpdatedAt"/>
    /// of the user the record names (its tenant and id); name, id and creation time are kept.
    /// </summary>
    /// <returns>The stored user, or null when there is none.</returns>
    /// <exception cref="DuplicateKeyException">The email belongs to another user of the tenant.</exception>
    Task<UserRecord?> UpdateUserAsync(UserRecord user, CancellationToken cancellationToken = default);

    /// <summary>Removes a user (and their refresh tokens); false when there was none.</summary>
    Task<bool> DeleteUserAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts one more failed login, atomically (several nodes may count at once); when the count reaches
    /// <paramref name="maxFailures"/> the user is locked until <paramref name="lockedUntil"/>.
    /// </summary>
    /// <returns>The user after the change, or null when there is none.</returns>
    Task<UserRecord?> RecordFailedLoginAsync(string tenantId, Guid id, int maxFailures, DateTimeOffset lockedUntil, CancellationToken cancellationToken = default);

    /// <summary>Resets the failed-login count and any lock.</summary>
    Task ResetFailedLoginsAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    Task CreateRefreshTokenAsync(RefreshTokenRecord token, CancellationToken cancellationToken = default);

    /// <summary>The token with that hash (any tenant), or null.</summary>
    Task<RefreshTokenRecord?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Marks a token used, once: false when it was already used or revoked (the caller then treats it as reuse).</summary>
    Task<bool> MarkRefreshTokenUsedAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Revokes every not yet revoked token of a family; returns how many.</summary>
    Task<int> RevokeRefreshTokenFamilyAsync(Guid familyId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Revokes every not yet revoked token of a user (password change, deactivation); returns how many.</summary>
    Task<int> RevokeUserRefreshTokensAsync(string tenantId, Guid userId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// The families (sessions) of a user with a token revoked at or after <paramref name="since"/>: the sessions whose
    /// access tokens, issued before the revocation, may still be within their lifetime and must be refused.
    /// </summary>
    Task<IReadOnlyList<Guid>> ListRevokedRefreshFamiliesAsync(string tenantId, Guid userId, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <exception cref="DuplicateKeyException">The hash or id exists.</exception>
    /// <exception cref="ArgumentException">The role is not one of <see cref="Roles.All"/>.</exception>
    Task<ApiKeyRecord> CreateApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default);

    /// <summary>The key with that hash (any tenant, revoked or not), or null.</summary>
    Task<ApiKeyRecord?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken = default);

    Task<ApiKeyRecord?> GetApiKeyAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>The tenant's keys, oldest first, revoked ones included.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Revokes a key; false when there is none in the tenant or it was already revoked.</summary>
    Task<bool> RevokeApiKeyAsync(string tenantId, Guid id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records when keys were last used (batched by the caller; a later time never goes backwards).</summary>
    Task TouchApiKeysAsync(IReadOnlyDictionary<Guid, DateTimeOffset> lastUsed, CancellationToken cancellationToken = default);

    /// <exception cref="DuplicateKeyException">The client id exists.</exception>
    /// <exception cref="ArgumentException">The role is not one of <see cref="Roles.All"/>.</exception>
    Task<OAuthClientRecord> CreateOAuthClientAsync(OAuthClientRecord client, CancellationToken cancellationToken = default);

    /// <summary>The client with that client id (any tenant), or null.</summary>
    Task<OAuthClientRecord?> FindOAuthClientAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's clients, oldest first, revoked ones included.</summary>
    Task<IReadOnlyList<OAuthClientRecord>> ListOAuthClientsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Revokes a client; false when there is none in the tenant or it was already revoked.</summary>
    Task<bool> RevokeOAuthClientAsync(string tenantId, Guid id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// The server-wide secret named <paramref name="name"/>: stores <paramref name="candidate"/> when there is none yet and
    /// returns what is stored, so every node that races to create it ends up with the same value.
    /// </summary>
    Task<string> GetOrAddServerKeyAsync(string name, string candidate, DateTimeOffset at, CancellationToken cancellationToken = default);
}
