using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using OpenClaw.Runtime.Scheduling;
using OpenClaw.Server.Api;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Scheduling;

/// <summary>
/// Cron schedules: create, list, read (with the next fire times), update (fields given replace the stored ones),
/// delete, pause and resume. Every change wakes the schedulers, here at once and elsewhere through NOTIFY.
/// </summary>
internal static class ScheduleEndpoints
{
    private static readonly string[] Keys = ["workflow_id", "cron", "time_zone", "inputs", "priority", "misfire_policy", "enabled"];
    private const int DefaultCount = 5;

    public static IEndpointRouteBuilder MapScheduleEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/schedules").WithTags("Schedules");
        group.MapGet("/", ListAsync).RequirePermission(Permissions.SchedulesRead);
        group.MapPost("/", CreateAsync).RequirePermission(Permissions.SchedulesManage);
        group.MapGet("/{id:guid}", GetAsync).RequirePermission(Permissions.SchedulesRead);
        group.MapPut("/{id:guid}", UpdateAsync).RequirePermission(Permissions.SchedulesManage);
        group.MapDelete("/{id:guid}", DeleteAsync).RequirePermission(Permissions.SchedulesManage);
        group.MapPost("/{id:guid}/pause", (Guid id, Caller caller, IScheduleStore store, CronScheduler scheduler, AuditContext audit, TimeProvider time, CancellationToken ct)
            => SetEnabledAsync(id, false, caller, store, scheduler, audit, time, ct)).RequirePermission(Permissions.SchedulesManage);
        group.MapPost("/{id:guid}/resume", (Guid id, Caller caller, IScheduleStore store, CronScheduler scheduler, AuditContext audit, TimeProvider time, CancellationToken ct)
            => SetEnabledAsync(id, true, caller, store, scheduler, audit, time, ct)).RequirePermission(Permissions.SchedulesManage);
        return api;
    }

    private static async Task<Results<Ok<PageResponse<ScheduleResponse>>, ValidationProblem>> ListAsync(
        [FromQuery(Name = "workflow_id")] string? workflowId, int? limit, string? cursor, Caller caller, IScheduleStore store, TimeProvider time, CancellationToken ct)
    {
        if (limit is < 1 or > 500) return Problems.Invalid("limit", "Must be between 1 and 500.");
        try
        {
            var page = await store.ListAsync(new ScheduleQuery(caller.TenantId, workflowId, limit ?? 50, cursor), ct);
            var now = time.GetUtcNow();
            return TypedResults.Ok(new PageResponse<ScheduleResponse>([.. page.Items.Select(s => ScheduleResponse.From(s, now, DefaultCount))], page.NextCursor));
        }
        catch (ArgumentException ex) when (cursor is not null)
        {
            return Problems.Invalid("cursor", ex.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static async Task<Results<Ok<ScheduleResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(
        Guid id, int? count, Caller caller, IScheduleStore store, TimeProvider time, CancellationToken ct)
    {
        if (count is < 1 or > 100) return Problems.Invalid("count", "Must be between 1 and 100.");
        var schedule = await store.GetAsync(caller.TenantId, id, ct);
        return schedule is null ? Problems.NotFound($"Schedule {id} does not exist.") : TypedResults.Ok(ScheduleResponse.From(schedule, time.GetUtcNow(), count ?? DefaultCount));
    }

    private static async Task<Results<Created<ScheduleResponse>, ValidationProblem>> CreateAsync(
        HttpRequest request, Caller caller, IScheduleStore store, WorkflowPlanCache plans, CronScheduler scheduler, AuditContext audit, TimeProvider time,
        CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, Keys, ct, "The schedule is invalid", optional: true);
        if (problem is not null) return problem;
        var now = time.GetUtcNow();
        var draft = new ScheduleRecord(Guid.CreateVersion7(), caller.TenantId, "", "", "UTC", JsonSerializer.SerializeToElement(new JsonObject()),
            TaskPriority.Normal, MisfirePolicies.FireOnce, true, null, null, now, now);
        var (schedule, problems) = await ApplyAsync(body!, draft, required: true, plans, now, ct);
        if (problems is not null) return Problems.Invalid("The schedule is invalid", problems);
        await store.CreateAsync(schedule!, ct);
        scheduler.Wake();
        audit.Describe("schedule", schedule!.Id.ToString(), "create", null, schedule);
        var location = $"{request.PathBase}{ApiRoutes.Prefix(request)}/schedules/{schedule.Id}";
        return TypedResults.Created(location, ScheduleResponse.From(schedule, now, DefaultCount));
    }

    private static async Task<Results<Ok<ScheduleResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpRequest request, Caller caller, IScheduleStore store, WorkflowPlanCache plans, CronScheduler scheduler, AuditContext audit,
        TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, Keys, ct, "The schedule is invalid", optional: true);
        if (problem is not null) return problem;
        var existing = await store.GetAsync(caller.TenantId, id, ct);
        if (existing is null) return Problems.NotFound($"Schedule {id} does not exist.");
        var now = time.GetUtcNow();
        var (schedule, problems) = await ApplyAsync(body!, existing, required: false, plans, now, ct);
        if (problems is not null) return Problems.Invalid("The schedule is invalid", problems);
        var saved = await store.UpdateAsync(schedule!, ct);
        if (saved is null) return Problems.NotFound($"Schedule {id} does not exist.");
        scheduler.Wake();
        audit.Describe("schedule", id.ToString(), "update", existing, saved);
        return TypedResults.Ok(ScheduleResponse.From(saved, now, DefaultCount));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, Caller caller, IScheduleStore store, CronScheduler scheduler, AuditContext audit, CancellationToken ct)
    {
        if (!await store.DeleteAsync(caller.TenantId, id, ct)) return Problems.NotFound($"Schedule {id} does not exist.");
        scheduler.Wake();
        audit.Describe("schedule", id.ToString(), "delete");
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> SetEnabledAsync(
        Guid id, bool enabled, Caller caller, IScheduleStore store, CronScheduler scheduler, AuditContext audit, TimeProvider time, CancellationToken ct)
    {
        var existing = await store.GetAsync(caller.TenantId, id, ct);
        if (existing is null) return Problems.NotFound($"Schedule {id} does not exist.");
        var now = time.GetUtcNow();
        var next = enabled ? CronSchedule.Parse(existing.Cron, existing.TimeZone).Next(now) : null;
        // Resuming an enabled schedule keeps its pending fire time; pausing forgets it (resume starts from now: no catch-up).
        if (enabled && existing.Enabled) next = existing.NextFireAt;
        var saved = await store.UpdateAsync(existing with { Enabled = enabled, NextFireAt = next, UpdatedAt = now }, ct);
        if (saved is null) return Problems.NotFound($"Schedule {id} does not exist.");
        scheduler.Wake();
        audit.Describe("schedule", id.ToString(), enabled ? "resume" : "pause");
        return TypedResults.Ok(ScheduleResponse.From(saved, now, DefaultCount));
    }

    /// <summary>Applies the body's fields to <paramref name="schedule"/>, checking each; the next fire time is recomputed from now.</summary>
    private static async Task<(ScheduleRecord? Schedule, Dictionary<string, string[]>? Errors)> ApplyAsync(
        JsonRequestBody body, ScheduleRecord schedule, bool required, WorkflowPlanCache plans, DateTimeOffset now, CancellationToken ct)
    {
        var workflowId = body.String("workflow_id", required, maxLength: 200) ?? schedule.WorkflowId;
        var cronText = body.String("cron", required, maxLength: 200) ?? schedule.Cron;
        var zone = body.String("time_zone", maxLength: 100) ?? schedule.TimeZone;
        var inputs = body.Object("inputs");
        var priority = body.Priority("priority") ?? schedule.Priority;
        var policy = body.String("misfire_policy", maxLength: 32) ?? schedule.MisfirePolicy;
        if (!MisfirePolicies.All.Contains(policy)) body.Error("misfire_policy", $"Must be {string.Join(", ", MisfirePolicies.All)}.");
        var enabled = body.Bool("enabled") ?? schedule.Enabled;

        var (cron, cronError, zoneError) = CronSchedule.TryParse(cronText, zone);
        if (cronError is not null && (body.Has("cron") || required)) body.Error("cron", cronError);
        if (zoneError is not null) body.Error("time_zone", zoneError);
        if (body.Errors is null && cron is not null && cron.Next(now) is null) body.Error("cron", $"'{cronText}' never fires.");

        if (workflowId.Length > 0)
        {
            try
            {
                var plan = await plans.GetCurrentAsync(schedule.TenantId, workflowId, null, ct);
                var supplied = inputs ?? JsonNode.Parse(schedule.Inputs.GetRawText()) as JsonObject;
                foreach (var error in WorkflowValidator.BindInputs(plan.Definition, supplied).Errors)
                    body.ErrorAt(error.Path, error.Message);
            }
            catch (WorkflowNotFoundException)
            {
                body.Error("workflow_id", $"There is no workflow '{workflowId}'.");
            }
        }
        if (body.Errors is { } errors) return (null, errors);

        return (schedule with
        {
            WorkflowId = workflowId, Cron = cronText, TimeZone = zone, Priority = priority, MisfirePolicy = policy, Enabled = enabled,
            Inputs = inputs is null ? schedule.Inputs : JsonSerializer.SerializeToElement(inputs),
            NextFireAt = enabled ? cron!.Next(now) : null, UpdatedAt = now,
        }, null);
    }
}
