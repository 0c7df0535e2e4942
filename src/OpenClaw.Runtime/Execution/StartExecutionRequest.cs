using System.Text.Json.Nodes;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Execution;

/// <summary>Asks for a new execution of a stored workflow.</summary>
/// <param name="Version">A pinned version, or null for the current one.</param>
/// <param name="ExecutionId">The id to give the execution (lets a caller subscribe to its events before it starts), or null for a new one.</param>
/// <param name="Trigger">What started it: <c>api</c>, <c>cli</c>, <c>webhook</c>, <c>schedule</c>, <c>manual</c>.</param>
public sealed record StartExecutionRequest(
    string TenantId,
    string WorkflowId,
    int? Version = null,
    JsonObject? Inputs = null,
    TaskPriority Priority = TaskPriority.Normal,
    string Trigger = "api",
    Guid? CreatedBy = null,
    Guid? ExecutionId = null)
{
    /// <summary>The cron fire time this execution claims (trigger <c>cron</c>): it commits only if no other scheduler claimed it first.</summary>
    public ScheduleFire? Fire { get; init; }

    /// <summary>For a retry from the start: the execution this one repeats, stored with it in its first commit.</summary>
    public Guid? RetryOf { get; init; }
}

/// <summary>The inputs given to a start request do not match the workflow's declared inputs.</summary>
public sealed class InputValidationException(IReadOnlyList<DefinitionError> errors)
    : Exception("Invalid inputs: " + string.Join("; ", errors))
{
    public IReadOnlyList<DefinitionError> Errors { get; } = errors;
}
