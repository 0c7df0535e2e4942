using System.Text.Json;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Execution;

/// <summary>What a worker needs to know about a step's execution beyond the task row: for log scopes and trace spans.</summary>
public sealed record ExecutionContextInfo(string WorkflowId, int WorkflowVersion, string? TraceParent);

/// <summary>
/// The specification's execution-context cache (<c>execution:{execution_id}</c>, 24 h): filled when an execution starts,
/// read by the workers for each step, loaded from the database on a miss (a step claimed on another node, a restart).
/// </summary>
public sealed class ExecutionContextCache(ICache cache, IExecutionStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The context of <paramref name="executionId"/>, or null when the execution no longer exists.</summary>
    public async ValueTask<ExecutionContextInfo?> GetAsync(Guid executionId, CancellationToken cancellationToken = default)
    {
        var key = CacheKeys.Execution(executionId);
        if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } text)
        {
            try
            {
                if (JsonSerializer.Deserialize<ExecutionContextInfo>(text, Json) is { } cached) return cached;
            }
            catch (JsonException)
            {
                // Written by another version of the server: read it again from the database.
            }
        }
        var snapshot = await store.LoadAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return null;
        var e = snapshot.Execution;
        var info = new ExecutionContextInfo(e.WorkflowId, e.WorkflowVersion, e.TraceParent);
        await RememberAsync(executionId, info, cancellationToken).ConfigureAwait(false);
        return info;
    }

    public ValueTask RememberAsync(Guid executionId, ExecutionContextInfo info, CancellationToken cancellationToken = default) =>
        cache.SetAsync(CacheKeys.Execution(executionId), JsonSerializer.Serialize(info, Json), CacheKeys.ExecutionTtl, cancellationToken);
}
