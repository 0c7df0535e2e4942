using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins;

namespace OpenClaw.Server.Notifications;

/// <summary>
/// The context the email plugin runs in when it delivers a notification: the rule's tenant's credentials, and the
/// delivery id as idempotency key, so every attempt carries the same Message-ID.
/// </summary>
internal sealed class NotificationPluginContext(
    string tenantId, Core.Storage.NotificationDeliveryRecord delivery, ICredentialProvider credentials, ILogger logger, CancellationToken cancellationToken)
    : PluginContext
{
    public override CancellationToken CancellationToken => cancellationToken;

    public override ILogger Logger => logger;

    public override string IdempotencyKey => "notification-" + delivery.Id.ToString("N");

    public override Guid ExecutionId => delivery.ExecutionId ?? Guid.Empty;

    public override string StepId => "notification";

    public override int Attempt => delivery.Attempts + 1;

    public override PluginConfig Config => PluginConfig.Default;

    public override IPluginObjectStore? ObjectStore => null;

    public override ValueTask<PluginCredential?> GetCredentialAsync(string name, CancellationToken cancellationToken = default) =>
        credentials.GetAsync(tenantId, name, cancellationToken);
}
