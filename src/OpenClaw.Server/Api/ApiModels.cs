using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Api;

/// <summary>A stored workflow as the API returns it.</summary>
/// <param name="Version">The latest saved version (what this definition is).</param>
/// <param name="PublishedVersion">The version starts run when they name none; absent until the first publish (then the latest runs).</param>
public sealed record WorkflowResponse(
    string Id, string Name, string? Description, string Status, int Version, JsonElement Definition,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int? PublishedVersion)
{
    public static WorkflowResponse From(WorkflowRecord r) =>
        new(r.Id, r.Name, r.Description, r.Status, r.Version, JsonDocument.Parse(r.Definition).RootElement.Clone(), r.CreatedAt, r.UpdatedAt,
            r.PublishedVersion);
}

/// <summary>A page of workflows (definitions omitted).</summary>
public sealed record WorkflowSummary(string Id, string Name, string? Description, string Status, int Version, DateTimeOffset UpdatedAt, int? PublishedVersion)
{
    public static WorkflowSummary From(WorkflowRecord r) => new(r.Id, r.Name, r.Description, r.Status, r.Version, r.UpdatedAt, r.PublishedVersion);
}

public sealed record PageResponse<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>The body of a start request.</summary>
public sealed record StartExecutionBody(JsonObject? Inputs, int? Version, TaskPriority? Priority);

public sealed record ExecutionStarted(Guid Id, string Status, string Location);

/// <summary>An execution as the API returns it.</summary>
public sealed record ExecutionResponse(
    Guid Id, string WorkflowId, int WorkflowVersion, string Status, JsonElement Inputs, JsonElement? Outputs, string? Error,
    JsonElement Vars, TaskPriority Priority, string Trigger, Guid? ParentExecutionId, string? ParentStepKey,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, double? DurationMs,
    IReadOnlyList<StepResponse>? Steps)
{
    /// <summary>For a retry from the start: the execution it repeats.</summary>
    public Guid? RetryOf { get; init; }

    public static ExecutionResponse From(ExecutionRecord e, IReadOnlyList<StepResponse>? steps = null) =>
        new(e.Id, e.WorkflowId, e.WorkflowVersion, e.Status.ToWire(), e.Inputs, e.Outputs, e.Error, e.Vars, e.Priority, e.Trigger,
            e.ParentExecutionId, e.ParentStepKey, e.CreatedAt, e.StartedAt, e.CompletedAt,
            e.CompletedAt is { } done && e.StartedAt is { } started ? (done - started).TotalMilliseconds : null, steps)
        {
            RetryOf = e.RetryOf,
        };

    public static ExecutionResponse From(ExecutionDetail detail)
    {
        var attempts = detail.Attempts.ToLookup(a => a.TaskId);
        var steps = detail.Steps.Select(s => StepResponse.From(s, attempts[s.Id])).ToList();
        return From(detail.Execution, steps);
    }
}

/// <summary>One step instance with its attempts.</summary>
public sealed record StepResponse(
    string Key, string StepId, string Type, string? Plugin, string Status, int Attempt, JsonElement? Inputs, JsonElement? Output,
    string? Error, IReadOnlyList<string> Next, DateTimeOffset RunAt, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt, IReadOnlyList<AttemptResponse> Attempts)
{
    public static StepResponse From(StepRunRecord s, IEnumerable<StepAttemptRecord> attempts) =>
        new(s.StepKey, s.StepId, s.StepType, s.PluginName, s.Status.ToWire(), s.Attempt, s.Inputs, s.Outputs, s.Error, s.Next, s.RunAt,
            s.CreatedAt, s.StartedAt, s.CompletedAt,
            attempts.OrderBy(a => a.Attempt).Select(a => new AttemptResponse(a.Attempt, a.Status.ToWire(), a.Error, a.WorkerId, a.StartedAt,
                a.FinishedAt, (a.FinishedAt - a.StartedAt).TotalMilliseconds, a.Logs)).ToList());
}

/// <param name="Logs">What the plugin logged during the attempt: <c>[{time, level, message}]</c>, bounded.</param>
public sealed record AttemptResponse(
    int Attempt, string Status, string? Error, string? Worker, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, double DurationMs, JsonElement? Logs);

/// <summary>The answer of the validate endpoint.</summary>
public sealed record ValidationResponse(bool Valid, IReadOnlyList<ValidationErrorResponse> Errors);

public sealed record ValidationErrorResponse(string Path, string Message, string Code);
