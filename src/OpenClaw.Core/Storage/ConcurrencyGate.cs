using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenClaw.Core.Storage;

/// <summary>
/// The concurrency limits an execution is admitted under: at most <see cref="WorkflowLimit"/> executions of its workflow
/// and at most <see cref="TenantLimit"/> executions of its tenant hold a slot at once (null: no limit of that kind).
/// Stored on the tasks queued before the execution holds a slot; the claim admits the execution (takes a slot) when
/// both counts are below their limits, atomically across processes.
/// </summary>
public sealed record ConcurrencyGate(
    [property: JsonPropertyName("workflow_id")] string WorkflowId,
    [property: JsonPropertyName("workflow_limit")] int? WorkflowLimit,
    [property: JsonPropertyName("tenant_limit")] int? TenantLimit)
{
    /// <summary>The stored form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads <see cref="ToJson"/>; null for null.</summary>
    public static ConcurrencyGate? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<ConcurrencyGate>(json);
}
