using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Plugins;

/// <summary>Supplies decrypted credentials to plugins by name.</summary>
public interface ICredentialProvider
{
    ValueTask<PluginCredential?> GetAsync(string tenantId, string name, CancellationToken cancellationToken = default);
}
