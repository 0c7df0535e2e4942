using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Plugins;

/// <summary>The <see cref="PluginContext"/> handed to an in-process plugin for one attempt.</summary>
internal sealed class RuntimePluginContext(
    string tenantId,
    Guid executionId,
    string stepId,
    int attempt,
    string idempotencyKey,
    ILogger logger,
    ICredentialProvider credentials,
    CancellationToken cancellationToken,
    IPluginObjectStore? objectStore = null) : PluginContext
{
    public override CancellationToken CancellationToken => cancellationToken;

    public override ILogger Logger => logger;

    public override string IdempotencyKey => idempotencyKey;

    public override Guid ExecutionId => executionId;

    public override string StepId => stepId;

    public override int Attempt => attempt;

    public override PluginConfig Config => PluginConfig.Default;

    public override IPluginObjectStore? ObjectStore => objectStore;

    public override ValueTask<PluginCredential?> GetCredentialAsync(string name, CancellationToken cancellationToken = default) =>
        credentials.GetAsync(tenantId, name, cancellationToken);
}
