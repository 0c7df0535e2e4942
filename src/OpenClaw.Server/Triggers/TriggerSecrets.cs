using System.Text;
using OpenClaw.Server.Credentials;

namespace OpenClaw.Server.Triggers;

/// <summary>Seals a trigger's HMAC secret with the credential key, bound to the tenant and trigger id.</summary>
internal sealed class TriggerSecrets(SecretCipher cipher)
{
    public string CurrentKeyId => cipher.CurrentKeyId;

    public byte[] Seal(string tenantId, Guid triggerId, string secret) => cipher.Encrypt(Encoding.UTF8.GetBytes(secret), AssociatedData(tenantId, triggerId));

    public string Open(string tenantId, Guid triggerId, byte[] sealedSecret, string keyId) =>
        Encoding.UTF8.GetString(cipher.Decrypt(sealedSecret, keyId, AssociatedData(tenantId, triggerId)));

    private static string AssociatedData(string tenantId, Guid id) => $"openclaw:trigger:{tenantId}:{id:D}";
}
