using Microsoft.Extensions.Configuration;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Plugins;

/// <summary>
/// Credentials declared in configuration (<c>OpenClaw:Credentials:NAME:Type</c> and <c>...:Values:KEY</c>), e.g. from
/// environment variables such as <c>OpenClaw__Credentials__github__Values__token</c>. The encrypted, per-tenant
/// credential store of the server supersedes this for multi-user deployments.
/// </summary>
public sealed class ConfiguredCredentialProvider(IConfiguration configuration) : ICredentialProvider
{
    public ValueTask<PluginCredential?> GetAsync(string tenantId, string name, CancellationToken cancellationToken = default)
    {
        var section = configuration.GetSection("OpenClaw:Credentials").GetSection(name);
        if (!section.Exists()) return ValueTask.FromResult<PluginCredential?>(null);
        var values = section.GetSection("Values").GetChildren().ToDictionary(c => c.Key, c => c.Value ?? "", StringComparer.Ordinal);
        return ValueTask.FromResult<PluginCredential?>(new PluginCredential(name, section["Type"] ?? "generic", values));
    }
}
