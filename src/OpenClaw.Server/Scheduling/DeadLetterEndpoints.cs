using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using OpenClaw.Server.Api;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Scheduling;

/// <summary>
/// The failed queue: dead letters (plugin or delay steps that failed for good and failed their execution), inspected,
/// requeued with optionally edited inputs, or discarded.
/// </summary>
internal static class DeadLetterEndpoints
{
    public static IEndpointRouteBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/queues/failed").WithTags("Queues");
        group.MapGet("/", ListAsync).RequirePermission(Permissions.QueuesRead);
        group.MapGet("/{taskId:guid}", GetAsync).RequirePermission(Permissions.QueuesRead);
        group.MapPost("/{taskId:guid}/requeue", RequeueAsync).RequirePermission(Permissions.QueuesManage);
        group.MapDelete("/{taskId:guid}", DiscardAsync).RequirePermission(Permissions.QueuesManage);
        return api;
    }

    private static async Task<Results<Ok<PageResponse<DeadLetterResponse>>, ValidationProblem>> ListAsync(
        [FromQuery(Name = "workflow_id")] string? workflowId, int? limit, string? cursor, Caller caller, IQueueStore queues, CancellationToken ct)
    {
        if (limit is < 1 or > 500) return Problems.Invalid("limit", "Must be between 1 and 500.");
        try
        {
            var page = await queues.ListDeadLettersAsync(new DeadLetterQuery(caller.TenantId, workflowId, limit ?? 50, cursor), ct);
            return TypedResults.Ok(new PageResponse<DeadLetterResponse>([.. page.Items.Select(DeadLetterResponse.From)], page.NextCursor));
        }
        catch (ArgumentException ex) when (cursor is not null)
        {
            return Problems.Invalid("cursor", ex.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static async Task<Results<Ok<DeadLetterDetailResponse>, ProblemHttpResult>> GetAsync(Guid taskId, Caller caller, IQueueStore queues, CancellationToken ct)
    {
        var detail = await queues.GetDeadLetterAsync(caller.TenantId, taskId, ct);
        return detail is null ? Problems.NotFound($"There is no dead letter {taskId}.") : TypedResults.Ok(DeadLetterDetailResponse.From(detail));
    }

    /// <summary>
    /// Resumes the dead letter's execution from its failed steps (this one with the given inputs, if any), in one commit.
    /// An execution with several failed steps (parallel branches) resumes them all: it cannot succeed otherwise.
    /// </summary>
    private static async Task<Results<Accepted<RetryResponse>, ValidationProblem, ProblemHttpResult>> RequeueAsync(
        Guid taskId, HttpRequest request, Caller caller, IQueueStore queues, ExecutionCoordinator coordinator, AuditContext audit, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, ["inputs"], ct, "The requeue request is invalid", optional: true);
        if (problem is not null) return problem;
        var inputs = body!.Object("inputs");
        if (body.Problem is { } invalid) return invalid;

        var letter = await queues.GetDeadLetterAsync(caller.TenantId, taskId, ct);
        if (letter is null) return Problems.NotFound($"There is no dead letter {taskId}.");
        var replaced = inputs is null ? null : new Dictionary<string, JsonElement> { [letter.Letter.StepKey] = JsonSerializer.SerializeToElement(inputs) };
        try
        {
            if (!await coordinator.ResumeAsync(letter.Letter.ExecutionId, replaced, ct))
                return Problems.NotFound($"There is no dead letter {taskId}.");
        }
        catch (ExecutionNotResumableException ex)
        {
            return Problems.Conflict(ex.Message);
        }
        audit.Describe("dead_letter", taskId.ToString(), "requeue", letter.Inputs, inputs);
        return Accepted(request, letter.Letter.ExecutionId, ExecutionRetryEndpoints.FromFailedStep, null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DiscardAsync(
        Guid taskId, Caller caller, IQueueStore queues, AuditContext audit, TimeProvider time, CancellationToken ct)
    {
        if (!await queues.DiscardDeadLetterAsync(caller.TenantId, taskId, time.GetUtcNow(), ct)) return Problems.NotFound($"There is no dead letter {taskId}.");
        audit.Describe("dead_letter", taskId.ToString(), "discard");
        return TypedResults.NoContent();
    }

    internal static Accepted<RetryResponse> Accepted(HttpRequest request, Guid executionId, string from, Guid? retryOf)
    {
        var location = $"{request.PathBase}{ApiRoutes.Prefix(request)}/executions/{executionId}";
        return TypedResults.Accepted(location, new RetryResponse(executionId, "running", from, location, retryOf));
    }
}
