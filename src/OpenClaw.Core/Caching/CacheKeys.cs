namespace OpenClaw.Core.Caching;

/// <summary>
/// The specification's cache keys and lifetimes (缓存策略): <c>session:{user_id}</c> 24 h, <c>workflow:{workflow_id}</c>
/// 1 h, <c>execution:{execution_id}</c> 24 h, <c>plugin:{plugin_name}</c> 7 days, <c>config:{namespace}</c> 1 h.
/// </summary>
/// <remarks>
/// Workflow ids are unique per tenant only, so the workflow key's id is qualified by its tenant:
/// <c>workflow:{tenant_id}/{workflow_id}</c>.
/// </remarks>
public static class CacheKeys
{
    public static readonly TimeSpan SessionTtl = TimeSpan.FromSeconds(86_400);
    public static readonly TimeSpan WorkflowTtl = TimeSpan.FromSeconds(3_600);
    public static readonly TimeSpan ExecutionTtl = TimeSpan.FromSeconds(86_400);
    public static readonly TimeSpan PluginTtl = TimeSpan.FromSeconds(604_800);
    public static readonly TimeSpan ConfigTtl = TimeSpan.FromSeconds(3_600);

    public static string Session(string userId) => "session:" + userId;

    public static string Workflow(string tenantId, string workflowId) => $"workflow:{tenantId}/{workflowId}";

    public static string Execution(Guid executionId) => "execution:" + executionId.ToString("D");

    public static string Plugin(string pluginName) => "plugin:" + pluginName;

    public static string Config(string @namespace) => "config:" + @namespace;

    /// <summary>Not in the specification: a looked-up API key by the SHA-256 hash of its secret (never the secret).</summary>
    public static string ApiKey(string keyHash) => "apikey:" + keyHash;
}
