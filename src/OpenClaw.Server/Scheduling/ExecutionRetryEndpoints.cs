using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using OpenClaw.Server.Api;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Scheduling;

/// <summary>
/// <c>POST /executions/{id}/retry {from}</c> for a failed or cancelled execution. <c>failed_step</c> (the default)
/// resumes the same execution from the steps that stopped it; <c>start</c> starts a new execution of the same workflow
/// version with the same inputs and priority (trigger <c>retry</c>), linked to the original by <c>retry_of</c>.
/// </summary>
internal static class ExecutionRetryEndpoints
{
    public const string FromFailedStep = "failed_step";
    public const string FromStart = "start";

    public static IEndpointRouteBuilder MapExecutionRetryEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/executions/{id:guid}/retry", RetryAsync).WithTags("Executions").RequirePermission(Permissions.ExecutionsRun);
        return api;
    }

    private static async Task<Results<Accepted<RetryResponse>, ValidationProblem, ProblemHttpResult>> RetryAsync(
        Guid id, HttpRequest request, Caller caller, IExecutionQueries executions, ExecutionCoordinator coordinator,
        AuditContext audit, CancellationToken ct)
    {
        var (body, errors) = await JsonBody.ReadAsync(request, ["from"], ct);
        if (errors is not null) return Problems.Invalid("The retry request is invalid", errors);
        var from = body!.String("from") ?? FromFailedStep;
        if (from is not (FromFailedStep or FromStart)) body.Error("from", $"Must be '{FromFailedStep}' or '{FromStart}', not '{from}'.");
        if (body.Errors.Count > 0) return Problems.Invalid("The retry request is invalid", body.Errors);

        var detail = await executions.GetAsync(caller.TenantId, id, ct);
        if (detail is null) return Problems.NotFound($"Execution {id} does not exist.");
        var e = detail.Execution;
        if (e.Status is not (ExecutionStatus.Failed or ExecutionStatus.Cancelled))
            return Problems.Conflict($"Execution {id} is {e.Status.ToWire()}; only failed or cancelled executions can be retried.");

        if (from == FromFailedStep)
        {
            try
            {
                if (!await coordinator.ResumeAsync(id, null, ct)) return Problems.NotFound($"Execution {id} does not exist.");
            }
            catch (ExecutionNotResumableException ex)
            {
                return Problems.Conflict(ex.Message);
            }
            audit.Describe("execution", id.ToString(), "retry_failed_step");
            return DeadLetterEndpoints.Accepted(request, id, FromFailedStep, null);
        }

        Guid started;
        try
        {
            started = await coordinator.StartAsync(new StartExecutionRequest(
                caller.TenantId, e.WorkflowId, e.WorkflowVersion, System.Text.Json.Nodes.JsonNode.Parse(e.Inputs.GetRawText()) as System.Text.Json.Nodes.JsonObject,
                e.Priority, "retry") { RetryOf = id }, ct);
        }
        catch (WorkflowNotFoundException ex)
        {
            return Problems.Conflict($"Execution {id} cannot start again: {ex.Message}");
        }
        catch (InputValidationException ex)
        {
            return Problems.Conflict($"Execution {id} cannot start again: {ex.Message}");
        }
        audit.Describe("execution", started.ToString(), "retry_from_start", null, new { retry_of = id });
        return DeadLetterEndpoints.Accepted(request, started, FromStart, id);
    }
}
