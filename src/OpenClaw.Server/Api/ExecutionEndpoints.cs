using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>Start, read, list and cancel executions.</summary>
internal static class ExecutionEndpoints
{
    private static readonly string[] StartFields = ["inputs", "version", "priority"];

    public static RouteGroupBuilder MapExecutionEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/workflows/{id}/executions", StartAsync).WithTags("Executions").RequirePermission(Permissions.ExecutionsRun);
        var group = api.MapGroup("/executions").WithTags("Executions");
        group.MapGet("/", ListAsync).RequirePermission(Permissions.ExecutionsRead);
        group.MapGet("/{id:guid}", GetAsync).RequirePermission(Permissions.ExecutionsRead);
        group.MapPost("/{id:guid}/cancel", CancelAsync).RequirePermission(Permissions.ExecutionsRun);
        return api;
    }

    private static Task<Results<Accepted<ExecutionStarted>, ValidationProblem, ProblemHttpResult>> StartAsync(
        string id, HttpRequest request, Caller caller, ExecutionCoordinator coordinator, AuditContext audit, CancellationToken ct) =>
        StartWithTriggerAsync(id, request, caller, coordinator, audit, "api", ct);

    /// <summary>Starts an execution recorded with <paramref name="trigger"/> (<c>api</c>, or <c>manual</c> for <c>/run</c>).</summary>
    internal static async Task<Results<Accepted<ExecutionStarted>, ValidationProblem, ProblemHttpResult>> StartWithTriggerAsync(
        string id, HttpRequest request, Caller caller, ExecutionCoordinator coordinator, AuditContext audit, string trigger,
        CancellationToken ct)
    {
        var (reader, problem) = await JsonRequestBody.ReadAsync(request, StartFields, ct, "The start request is invalid", optional: true);
        if (problem is not null) return problem;
        var body = new StartExecutionBody(reader!.Object("inputs"), reader.Int("version", 1, int.MaxValue), reader.Priority("priority"));
        if (reader.Problem is { } invalid) return invalid;
        try
        {
            var executionId = await coordinator.StartAsync(
                new StartExecutionRequest(caller.TenantId, id, body.Version, body.Inputs, body.Priority ?? TaskPriority.Normal, trigger), ct);
            var location = $"{request.PathBase}{ApiRoutes.Prefix(request)}/executions/{executionId}";
            audit.Describe("execution", executionId.ToString(), "start",
                after: new { workflow_id = id, version = body.Version, priority = body.Priority?.ToString(), inputs = body.Inputs });
            return TypedResults.Accepted(location, new ExecutionStarted(executionId, "running", location));
        }
        catch (WorkflowNotFoundException ex)
        {
            return Problems.NotFound(ex.Message);
        }
        catch (InputValidationException ex)
        {
            return Problems.Invalid("The inputs do not match the workflow's declared inputs", ex.Errors);
        }
    }

    private static async Task<Results<Ok<ExecutionResponse>, ProblemHttpResult>> GetAsync(Guid id, Caller caller, IExecutionQueries queries, CancellationToken ct)
    {
        var detail = await queries.GetAsync(caller.TenantId, id, ct);
        return detail is null ? Problems.NotFound($"Execution {id} does not exist.") : TypedResults.Ok(ExecutionResponse.From(detail));
    }

    private static async Task<Results<Ok<PageResponse<ExecutionResponse>>, ValidationProblem>> ListAsync(
        [FromQuery(Name = "workflow_id")] string? workflowId, string? status, DateTimeOffset? since, DateTimeOffset? until, string? trigger,
        int? limit, string? cursor, Caller caller, IExecutionQueries queries, CancellationToken ct)
    {
        ExecutionStatus? parsed = null;
        if (status is not null)
        {
            try
            {
                parsed = StatusExtensions.ParseExecutionStatus(status);
            }
            catch (FormatException)
            {
                return Problems.Invalid("status", "Must be pending, running, succeeded, failed or cancelled.");
            }
        }
        if (limit is < 1 or > 500) return Problems.Invalid("limit", "Must be between 1 and 500.");
        var page = await queries.ListAsync(new ExecutionQuery(caller.TenantId, workflowId, parsed, since, until, trigger, limit ?? 50, cursor), ct);
        return TypedResults.Ok(new PageResponse<ExecutionResponse>(page.Items.Select(e => ExecutionResponse.From(e)).ToList(), page.NextCursor));
    }

    private static async Task<Results<Accepted<ExecutionResponse>, ProblemHttpResult>> CancelAsync(
        Guid id, Caller caller, IExecutionQueries queries, ExecutionCoordinator coordinator, AuditContext audit, CancellationToken ct)
    {
        var detail = await queries.GetAsync(caller.TenantId, id, ct);
        if (detail is null) return Problems.NotFound($"Execution {id} does not exist.");
        if (detail.Execution.Status.IsTerminal())
            return Problems.Conflict($"Execution {id} has already finished ({detail.Execution.Status.ToWire()}).");
        bool cancelled = await coordinator.CancelAsync(id, "cancelled by request", ct);
        // Read again either way: it may have finished on its own between the first read and the cancel.
        var after = await queries.GetAsync(caller.TenantId, id, ct);
        if (!cancelled) return Problems.Conflict($"Execution {id} has already finished ({after?.Execution.Status.ToWire() ?? "deleted"}).");
        audit.Describe("execution", id.ToString(), "cancel", new { status = detail.Execution.Status.ToWire() }, new { status = after!.Execution.Status.ToWire() });
        return TypedResults.Accepted((string?)null, ExecutionResponse.From(after!));
    }
}
