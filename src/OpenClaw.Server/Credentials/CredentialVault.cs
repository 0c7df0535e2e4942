using System.Security.Cryptography;
using System.Text.Json;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Credentials;

/// <summary>
/// Seals credential values for storage and opens them for a step, binding each ciphertext to its tenant and
/// credential id; re-encrypts rows left under an old key.
/// </summary>
public sealed partial class CredentialVault(ICredentialStore store, SecretCipher cipher, TimeProvider time, ILogger<CredentialVault> logger)
{
    public string CurrentKeyId => cipher.CurrentKeyId;

    public byte[] Seal(string tenantId, Guid id, IReadOnlyDictionary<string, string> values) =>
        cipher.Encrypt(JsonSerializer.SerializeToUtf8Bytes(values), AssociatedData(tenantId, id));

    /// <exception cref="CryptographicException">The row was altered, moved to another tenant, or sealed under an unknown key.</exception>
    public IReadOnlyDictionary<string, string> Open(CredentialRecord record) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(cipher.Decrypt(record.Secret, record.KeyId, AssociatedData(record.TenantId, record.Id)))
            ?? new Dictionary<string, string>();

    /// <summary>Re-encrypts, under the current key, every credential (of one tenant, or all) sealed under an older key.</summary>
    /// <returns>How many were re-encrypted, and how many could not be (their key is not configured).</returns>
    public async Task<(int Reencrypted, int Unreadable)> ReencryptAsync(string? tenantId, CancellationToken ct)
    {
        int done = 0, unreadable = 0;
        foreach (var record in await store.ListNotUnderKeyAsync(cipher.CurrentKeyId, ct).ConfigureAwait(false))
        {
            if (tenantId is not null && record.TenantId != tenantId) continue;
            if (!cipher.Knows(record.KeyId))
            {
                unreadable++;
                LogUnknownKey(record.Id, record.TenantId, record.KeyId);
                continue;
            }
            var values = Open(record);
            await store.UpdateAsync(record with { Secret = Seal(record.TenantId, record.Id, values), KeyId = cipher.CurrentKeyId, UpdatedAt = time.GetUtcNow() }, ct)
                .ConfigureAwait(false);
            done++;
        }
        if (done > 0) LogReencrypted(done, cipher.CurrentKeyId);
        return (done, unreadable);
    }

    private static string AssociatedData(string tenantId, Guid id) => $"openclaw:credential:{tenantId}:{id:D}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Credential {CredentialId} of tenant {TenantId} is under key {KeyId}, which is not configured; it cannot be decrypted")]
    private partial void LogUnknownKey(Guid credentialId, string tenantId, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-encrypted {Count} credentials under the current key {KeyId}")]
    private partial void LogReencrypted(int count, string keyId);
}
