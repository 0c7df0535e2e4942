namespace OpenClaw.Core.Storage;

/// <summary>Webhook triggers (the <c>triggers</c> table): a secret path that starts a workflow.</summary>
/// <remarks>Only a hash of the secret path is stored; the public endpoint finds a trigger by the hash of the path it was called on.</remarks>
public interface ITriggerStore
{
    /// <exception cref="DuplicateKeyException">A trigger with that path hash exists.</exception>
    Task<TriggerRecord> CreateAsync(TriggerRecord trigger, CancellationToken cancellationToken = default);

    /// <summary>One trigger, or null (also when it belongs to another tenant).</summary>
    Task<TriggerRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>The trigger whose secret path hashes to <paramref name="pathHash"/>, in any tenant, or null.</summary>
    Task<TriggerRecord?> FindByPathHashAsync(string pathHash, CancellationToken cancellationToken = default);

    /// <summary>The tenant's triggers (of one workflow when <paramref name="workflowId"/> is given), oldest first.</summary>
    Task<IReadOnlyList<TriggerRecord>> ListAsync(string tenantId, string? workflowId = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces every field but the id, tenant and creation stamp.</summary>
    /// <returns>The stored record, or null when there is no such trigger in the tenant.</returns>
    /// <exception cref="DuplicateKeyException">Another trigger has the new path hash.</exception>
    Task<TriggerRecord?> UpdateAsync(TriggerRecord trigger, CancellationToken cancellationToken = default);

    /// <summary>Removes a trigger; false when there was none.</summary>
    Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);
}

/// <summary>A webhook trigger (a row of the <c>triggers</c> table).</summary>
/// <param name="PathHash">Lower-case hex SHA-256 of the secret path.</param>
/// <param name="PathHint">The path's first characters, so people can tell triggers apart without the secret.</param>
/// <param name="Mode"><c>async</c> (202 after the durable enqueue) or <c>sync</c> (answers with the workflow's outputs).</param>
/// <param name="Methods">The HTTP methods accepted, e.g. <c>POST</c>, <c>GET</c>.</param>
/// <param name="InputMapping"><c>body</c> (the JSON body's fields are the inputs) or <c>request</c> (inputs <c>body</c>, <c>headers</c>, <c>query</c>, <c>method</c>).</param>
/// <param name="SigningSecret">The encrypted HMAC secret when signatures are required, else null.</param>
/// <param name="SigningKeyId">The key that encrypted <paramref name="SigningSecret"/>.</param>
/// <param name="RequireTimestamp">Whether a signed request must carry a fresh timestamp (replay protection).</param>
/// <param name="SyncTimeoutMs">How long a sync call waits for the execution before answering 202.</param>
public sealed record TriggerRecord(
    Guid Id,
    string TenantId,
    string WorkflowId,
    string Name,
    string PathHash,
    string PathHint,
    string Mode,
    IReadOnlyList<string> Methods,
    string InputMapping,
    bool Enabled,
    byte[]? SigningSecret,
    string? SigningKeyId,
    bool RequireTimestamp,
    int SyncTimeoutMs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? CreatedBy);
