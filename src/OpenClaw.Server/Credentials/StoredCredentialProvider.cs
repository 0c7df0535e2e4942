using Microsoft.Extensions.Configuration;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins;

namespace OpenClaw.Server.Credentials;

/// <summary>
/// Gives steps the credentials of their own tenant from the encrypted store; a name the tenant has not stored falls back
/// to one declared in configuration (<c>OpenClaw:Credentials:NAME</c>), as the runtime offers without a server.
/// </summary>
internal sealed partial class StoredCredentialProvider(
    ICredentialStore store, CredentialVault vault, IConfiguration configuration, ILogger<StoredCredentialProvider> logger) : ICredentialProvider
{
    /// <summary>The key settings share the configuration section; they are never credentials.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "Key", "KeyFile", "OldKeys" };

    private readonly ConfiguredCredentialProvider _configured = new(configuration);

    public async ValueTask<PluginCredential?> GetAsync(string tenantId, string name, CancellationToken cancellationToken = default)
    {
        var record = await store.FindByNameAsync(tenantId, name, cancellationToken).ConfigureAwait(false);
        if (record is null) return Reserved.Contains(name) ? null : await _configured.GetAsync(tenantId, name, cancellationToken).ConfigureAwait(false);
        try
        {
            return new PluginCredential(record.Name, record.Type, vault.Open(record));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            LogUnreadable(record.Id, tenantId, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Credential {CredentialId} of tenant {TenantId} cannot be decrypted: {Reason}")]
    private partial void LogUnreadable(Guid credentialId, string tenantId, string reason);
}
