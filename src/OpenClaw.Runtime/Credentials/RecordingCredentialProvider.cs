using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins;

namespace OpenClaw.Runtime.Credentials;

/// <summary>
/// Hands one step attempt its credentials and remembers every value it handed out, so the attempt's output, error and
/// logs can be masked before anything is stored.
/// </summary>
internal sealed class RecordingCredentialProvider(ICredentialProvider inner, SecretRedactor redactor) : ICredentialProvider
{
    public async ValueTask<PluginCredential?> GetAsync(string tenantId, string name, CancellationToken cancellationToken = default)
    {
        var credential = await inner.GetAsync(tenantId, name, cancellationToken).ConfigureAwait(false);
        if (credential is not null) redactor.Add(credential);
        return credential;
    }
}
