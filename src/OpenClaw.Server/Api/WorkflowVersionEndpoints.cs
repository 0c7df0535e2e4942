using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>
/// A workflow's immutable versions and which one is published: <c>GET /workflows/{id}/versions</c>,
/// <c>GET /workflows/{id}/versions/{version}</c>, <c>POST /workflows/{id}/publish {version}</c>.
/// </summary>
/// <remarks>
/// Saving a workflow always creates a new version; publishing chooses the version that starts naming no version run
/// (API, webhooks, schedules, sub-workflows). Until the first publish the latest version runs, so a workflow works as
/// soon as it is saved; after it, edits are drafts until published.
/// </remarks>
internal static class WorkflowVersionEndpoints
{
    public static RouteGroupBuilder MapWorkflowVersionEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/workflows/{id}").WithTags("Workflows");
        group.MapGet("/versions", ListAsync).RequirePermission(Permissions.WorkflowsRead)
            .WithSummary("Lists a workflow's saved versions, newest first, with their status and author");
        group.MapGet("/versions/{version:int}", GetAsync).RequirePermission(Permissions.WorkflowsRead)
            .WithSummary("Reads one saved version with its definition");
        group.MapPost("/publish", PublishAsync).RequirePermission(Permissions.WorkflowsWrite)
            .WithSummary("Publishes a version: the one that runs when a start names no version");
        return api;
    }

    private static async Task<Results<Ok<PageResponse<WorkflowVersionResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string id, int? limit, string? cursor, Caller caller, IWorkflowStore store, CancellationToken ct)
    {
        if (limit is < 1 or > 500) return Problems.Invalid("limit", "Must be between 1 and 500.");
        var workflow = await store.GetAsync(caller.TenantId, id, ct);
        if (workflow is null) return Problems.NotFound($"Workflow '{id}' does not exist.");
        Page<WorkflowVersionRecord> page;
        try
        {
            page = await store.ListVersionsAsync(caller.TenantId, id, limit ?? 50, cursor, ct);
        }
        catch (ArgumentException ex)
        {
            return Problems.Invalid("cursor", ex.Message);
        }
        return TypedResults.Ok(new PageResponse<WorkflowVersionResponse>(
            page.Items.Select(v => WorkflowVersionResponse.From(v, workflow.PublishedVersion)).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<WorkflowVersionDetailResponse>, ProblemHttpResult>> GetAsync(
        string id, int version, Caller caller, IWorkflowStore store, CancellationToken ct)
    {
        var record = await store.GetVersionAsync(caller.TenantId, id, version, ct);
        return record is null
            ? Problems.NotFound($"Workflow '{id}' has no version {version}.")
            : TypedResults.Ok(WorkflowVersionDetailResponse.From(record));
    }

    private static async Task<Results<Ok<WorkflowResponse>, ValidationProblem, ProblemHttpResult>> PublishAsync(
        string id, HttpRequest request, Caller caller, IWorkflowStore store, AuditContext audit, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, ["version"], ct, "The publish request is invalid");
        if (problem is not null) return problem;
        var version = body!.Int("version", 1, int.MaxValue, required: true);
        if (body.Problem is { } invalid) return invalid;
        var before = await store.GetAsync(caller.TenantId, id, ct);
        if (before is null) return Problems.NotFound($"Workflow '{id}' does not exist.");
        var published = await store.PublishAsync(caller.TenantId, id, version!.Value, ct);
        if (published is null)
        {
            return await store.GetAsync(caller.TenantId, id, ct) is null
                ? Problems.NotFound($"Workflow '{id}' does not exist.")
                : Problems.Invalid("$.version", $"Workflow '{id}' has no version {version}; its latest is {before.Version}.");
        }
        audit.Describe("workflow", id, "publish", new { published_version = before.PublishedVersion }, new { published_version = version });
        return TypedResults.Ok(WorkflowResponse.From(published));
    }
}

/// <summary>One saved version in the history.</summary>
/// <param name="Status"><c>published</c> (runs by default), <c>draft</c> (saved after the published one, or never published) or <c>archived</c> (replaced by a later publish).</param>
public sealed record WorkflowVersionResponse(int Version, string Status, string Name, string? Description, string? Author, DateTimeOffset CreatedAt)
{
    public static string StatusOf(int version, int? published) =>
        published is not { } p ? "draft" : version == p ? "published" : version < p ? "archived" : "draft";

    public static WorkflowVersionResponse From(WorkflowVersionRecord v, int? published) =>
        new(v.Version, StatusOf(v.Version, published), v.Name, v.Description, v.Author, v.CreatedAt);
}

/// <summary>One saved version with its definition.</summary>
public sealed record WorkflowVersionDetailResponse(
    string Id, int Version, string Status, string Name, string? Description, string? Author, DateTimeOffset CreatedAt, JsonElement Definition)
{
    public static WorkflowVersionDetailResponse From(WorkflowRecord r) =>
        new(r.Id, r.Version, WorkflowVersionResponse.StatusOf(r.Version, r.PublishedVersion), r.Name, r.Description, r.Author, r.UpdatedAt,
            JsonDocument.Parse(r.Definition).RootElement.Clone());
}
