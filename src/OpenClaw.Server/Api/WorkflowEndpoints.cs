using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>Create, update, read, list, delete and validate workflows.</summary>
internal static class WorkflowEndpoints
{
    public static RouteGroupBuilder MapWorkflowEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/workflows").WithTags("Workflows");
        group.MapPost("/", CreateAsync).RequirePermission(Permissions.WorkflowsWrite);
        group.MapPost("/validate", ValidateAsync).RequirePermission(Permissions.WorkflowsRead);
        group.MapGet("/", ListAsync).RequirePermission(Permissions.WorkflowsRead);
        group.MapGet("/{id}", GetAsync).RequirePermission(Permissions.WorkflowsRead);
        group.MapPut("/{id}", UpdateAsync).RequirePermission(Permissions.WorkflowsWrite);
        group.MapDelete("/{id}", DeleteAsync).RequirePermission(Permissions.WorkflowsWrite);
        return api;
    }

    private static async Task<Results<Created<WorkflowResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, Caller caller, IWorkflowStore store, IPluginCatalog plugins, TimeProvider time, TenantLimits limits, AuditContext audit,
        CancellationToken ct)
    {
        var (definition, source, problem) = await ParseAsync(request, plugins, ct);
        if (problem is not null) return problem;
        if (await limits.CheckWorkflowQuotaAsync(caller.TenantId, ct) is { } quota) return quota;
        var now = time.GetUtcNow();
        var record = new WorkflowRecord(definition!.Id, caller.TenantId, definition.Name, definition.Description,
            WorkflowDefinitionWriter.ToJson(definition), source, "draft", 1, null, now, now) { Author = caller.SubjectId };
        try
        {
            var created = await store.CreateAsync(record, ct);
            audit.Describe("workflow", created.Id, "create", after: WorkflowResponse.From(created));
            SetETag(request.HttpContext.Response, created.Version);
            return TypedResults.Created($"{request.PathBase}{request.Path.Value!.TrimEnd('/')}/{created.Id}", WorkflowResponse.From(created));
        }
        catch (DuplicateKeyException)
        {
            return Problems.Conflict($"A workflow with id '{definition.Id}' already exists; update it with PUT.");
        }
    }

    private static async Task<Results<Ok<WorkflowResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, Caller caller, IWorkflowStore store, IPluginCatalog plugins, TimeProvider time, AuditContext audit,
        CancellationToken ct)
    {
        var (definition, source, problem) = await ParseAsync(request, plugins, ct);
        if (problem is not null) return problem;
        if (definition!.Id != id) return Problems.Invalid("$.id", $"The definition's id '{definition.Id}' does not match the URL's '{id}'.");

        if (!TryReadIfMatch(request, out var expected))
            return Problems.Invalid("If-Match", "Must be the ETag of the workflow version you edited, e.g. \"3\", or *.");
        var current = await store.GetAsync(caller.TenantId, id, ct);
        if (current is null) return Problems.NotFound($"Workflow '{id}' does not exist.");
        var record = current with
        {
            Name = definition.Name,
            Description = definition.Description,
            Definition = WorkflowDefinitionWriter.ToJson(definition),
            Source = source,
            UpdatedAt = time.GetUtcNow(),
            Author = caller.SubjectId,
        };
        try
        {
            var saved = await store.UpdateAsync(record, expected ?? current.Version, ct);
            if (saved is null) return Problems.NotFound($"Workflow '{id}' does not exist.");
            audit.Describe("workflow", id, "update", WorkflowResponse.From(current), WorkflowResponse.From(saved));
            SetETag(request.HttpContext.Response, saved.Version);
            return TypedResults.Ok(WorkflowResponse.From(saved));
        }
        catch (ConcurrencyConflictException)
        {
            return Problems.Conflict($"Workflow '{id}' was changed by someone else; reload it and apply your change again.");
        }
    }

    private static async Task<Results<Ok<WorkflowResponse>, ProblemHttpResult>> GetAsync(
        string id, int? version, HttpResponse response, Caller caller, IWorkflowStore store, CancellationToken ct)
    {
        var record = version is { } v ? await store.GetVersionAsync(caller.TenantId, id, v, ct) : await store.GetAsync(caller.TenantId, id, ct);
        if (record is null)
            return Problems.NotFound(version is null ? $"Workflow '{id}' does not exist." : $"Workflow '{id}' has no version {version}.");
        SetETag(response, record.Version);
        return TypedResults.Ok(WorkflowResponse.From(record));
    }

    /// <summary>The version is the ETag: a client echoes it in If-Match to update only what it read.</summary>
    private static void SetETag(HttpResponse response, int version) => response.Headers.ETag = $"\"{version}\"";

    /// <returns>False when If-Match is present but not a version; <paramref name="expected"/> is null for none or <c>*</c>.</returns>
    private static bool TryReadIfMatch(HttpRequest request, out int? expected)
    {
        expected = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*") return true;
        // A weak validator names the same version here: the version is the only thing compared.
        var tag = header.Split(',')[0].Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
        if (!int.TryParse(tag.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)) return false;
        expected = version;
        return true;
    }

    private static async Task<Results<Ok<PageResponse<WorkflowSummary>>, ValidationProblem>> ListAsync(
        string? search, string? status, int? limit, string? cursor, Caller caller, IWorkflowStore store, CancellationToken ct)
    {
        if (limit is < 1 or > 500) return Problems.Invalid("limit", "Must be between 1 and 500.");
        if (status is not (null or "draft" or "published" or "archived")) return Problems.Invalid("status", "Must be draft, published or archived.");
        var page = await store.ListAsync(new WorkflowQuery(caller.TenantId, search, status, limit ?? 50, cursor), ct);
        return TypedResults.Ok(new PageResponse<WorkflowSummary>(page.Items.Select(WorkflowSummary.From).ToList(), page.NextCursor));
    }

    /// <remarks>
    /// Refused while executions of the workflow are unfinished: deleting removes the versions they run from, and an
    /// execution whose definition is gone can never be resumed after a restart.
    /// </remarks>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, Caller caller, IWorkflowStore store, IExecutionQueries executions, AuditContext audit, CancellationToken ct)
    {
        var existing = await store.GetAsync(caller.TenantId, id, ct);
        if (existing is null) return Problems.NotFound($"Workflow '{id}' does not exist.");
        foreach (var status in (ExecutionStatus[])[ExecutionStatus.Pending, ExecutionStatus.Running])
        {
            var unfinished = await executions.ListAsync(new ExecutionQuery(caller.TenantId, id, status, Limit: 1), ct);
            if (unfinished.Items.Count > 0)
                return Problems.Conflict($"Workflow '{id}' has unfinished executions (e.g. {unfinished.Items[0].Id}); cancel them or let them finish, then delete it.");
        }
        if (!await store.DeleteAsync(caller.TenantId, id, ct)) return Problems.NotFound($"Workflow '{id}' does not exist.");
        audit.Describe("workflow", id, "delete", before: WorkflowResponse.From(existing));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ValidationResponse>> ValidateAsync(HttpRequest request, IPluginCatalog plugins, CancellationToken ct)
    {
        var (text, format) = await DefinitionBody.ReadAsync(request, ct);
        var result = new WorkflowValidator(plugins).ParseAndValidate(text, format);
        return TypedResults.Ok(new ValidationResponse(result.Errors.Count == 0,
            result.Errors.Select(e => new ValidationErrorResponse(e.Path, e.Message, e.Code)).ToList()));
    }

    private static async Task<(WorkflowDefinition? Definition, string Source, ValidationProblem? Problem)> ParseAsync(
        HttpRequest request, IPluginCatalog plugins, CancellationToken ct)
    {
        var (text, format) = await DefinitionBody.ReadAsync(request, ct);
        if (string.IsNullOrWhiteSpace(text)) return (null, text, Problems.Invalid("$", "The body must be a workflow definition in JSON or YAML."));
        var result = new WorkflowValidator(plugins).ParseAndValidate(text, format);
        return result.Errors.Count > 0 || result.Definition is null
            ? (null, text, Problems.Invalid("The workflow definition is invalid", result.Errors))
            : (result.Definition, text, null);
    }
}
