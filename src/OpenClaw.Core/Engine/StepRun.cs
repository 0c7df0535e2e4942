using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Engine;

/// <summary>The engine's working copy of one step instance (a <see cref="StepRunRecord"/>), mutated by transitions.</summary>
public sealed class StepRun
{
    internal StepRun(Guid id, string key, string stepId, string scopeKey, StepType type)
    {
        Id = id;
        Key = key;
        StepId = stepId;
        ScopeKey = scopeKey;
        Type = type;
    }

    public Guid Id { get; }

    /// <summary>The instance path, e.g. <c>each[3]/fetch</c>.</summary>
    public string Key { get; }

    public string StepId { get; }

    public string ScopeKey { get; }

    public StepType Type { get; }

    public string? PluginName { get; set; }

    public StepRunStatus Status { get; set; }

    public JsonElement? Inputs { get; set; }

    public JsonElement? Output { get; set; }

    public string? Error { get; set; }

    public IReadOnlyList<string> Next { get; set; } = [];

    /// <summary>Container bookkeeping: loop progress, child execution id.</summary>
    public JsonObject? State { get; set; }

    public int Attempt { get; set; } = 1;

    public DateTimeOffset RunAt { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Stable across attempts, unique per instance.</summary>
    public string IdempotencyKey { get; set; } = "";

    /// <summary>For containers: child scopes (iterations or branches) started, finished, and failed. Derived, not stored.</summary>
    internal int ChildScopesOpened { get; set; }

    internal int ChildScopesClosed { get; set; }

    internal int ChildScopesFailed { get; set; }

    public StepRunRecord ToRecord(ExecutionState execution) => new(
        Id, execution.Id, execution.TenantId, Key, StepId, ScopeKey, StepTypeNames.ToWire(Type), PluginName, Status, Inputs, Output, Error,
        Next, State is null ? null : JsonSerializer.SerializeToElement(State, EngineJson.Options), Attempt, execution.Priority, RunAt,
        LeaseOwner, LeaseExpiresAt, IdempotencyKey, CreatedAt, StartedAt, CompletedAt)
    {
        Queue = execution.Queue,
        Gate = Status == StepRunStatus.Queued ? execution.Gate : null,
    };

    internal static StepRun FromRecord(StepRunRecord record)
    {
        var run = new StepRun(record.Id, record.StepKey, record.StepId, record.ScopeKey, StepTypeNames.Parse(record.StepType))
        {
            PluginName = record.PluginName,
            Status = record.Status,
            Inputs = record.Inputs,
            Output = record.Outputs,
            Error = record.Error,
            Next = record.Next,
            State = record.State is { ValueKind: JsonValueKind.Object } state ? JsonObject.Create(state) : null,
            Attempt = record.Attempt,
            RunAt = record.RunAt,
            LeaseOwner = record.LeaseOwner,
            LeaseExpiresAt = record.LeaseExpiresAt,
            IdempotencyKey = record.IdempotencyKey,
            CreatedAt = record.CreatedAt,
            StartedAt = record.StartedAt,
            CompletedAt = record.CompletedAt,
        };
        // JsonObject.Create wraps the element lazily; materialise it so later mutation never touches the document.
        if (run.State is not null) run.State = (JsonObject)JsonNode.Parse(run.State.ToJsonString())!;
        return run;
    }
}
