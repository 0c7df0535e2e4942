namespace OpenClaw.Core.Storage;

/// <summary>
/// Stored credentials (the <c>credentials</c> table): one row per tenant and name. The store keeps the secret values as
/// the opaque ciphertext it is given; encryption and decryption belong to the caller, which holds the key.
/// </summary>
public interface ICredentialStore
{
    /// <summary>Adds a credential.</summary>
    /// <exception cref="DuplicateKeyException">The tenant already has a credential of that name.</exception>
    Task<CredentialRecord> CreateAsync(CredentialRecord credential, CancellationToken cancellationToken = default);

    /// <summary>One credential by id, or null (also when it belongs to another tenant).</summary>
    Task<CredentialRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>One credential by name, or null.</summary>
    Task<CredentialRecord?> FindByNameAsync(string tenantId, string name, CancellationToken cancellationToken = default);

    /// <summary>The tenant's credentials, by name.</summary>
    Task<IReadOnlyList<CredentialRecord>> ListAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Every credential of every tenant whose ciphertext is not under <paramref name="keyId"/> (key rotation).</summary>
    Task<IReadOnlyList<CredentialRecord>> ListNotUnderKeyAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Replaces name, type, description, field names, ciphertext, key id and the update stamp; keeps the creation stamp.</summary>
    /// <returns>The stored record, or null when there is no such credential in the tenant.</returns>
    /// <exception cref="DuplicateKeyException">Another credential of the tenant has the new name.</exception>
    Task<CredentialRecord?> UpdateAsync(CredentialRecord credential, CancellationToken cancellationToken = default);

    /// <summary>Removes a credential; false when there was none.</summary>
    Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);
}

/// <summary>A stored credential (a row of the <c>credentials</c> table).</summary>
/// <param name="Type">e.g. <c>http_basic</c>, <c>bearer</c>, <c>api_key</c>, <c>smtp</c>, <c>database</c>, <c>generic</c>.</param>
/// <param name="Fields">The names of the secret fields (shown by the API; the values never are).</param>
/// <param name="Secret">The encrypted values: nonce, ciphertext and tag, as the caller's cipher wrote them.</param>
/// <param name="KeyId">Which key encrypted <paramref name="Secret"/>, so rotation can find rows under an old key.</param>
/// <param name="CreatedBy">The subject that created it (user, API key or client id).</param>
public sealed record CredentialRecord(
    Guid Id,
    string TenantId,
    string Name,
    string Type,
    string? Description,
    IReadOnlyList<string> Fields,
    byte[] Secret,
    string KeyId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? CreatedBy,
    string? UpdatedBy);
