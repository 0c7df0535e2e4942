using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>
/// <c>/workflows/{id}/shares</c>: rights on one workflow added for a user or a role beyond what the role grants
/// tenant-wide (read, run, edit). Reading needs <c>workflows:read</c>; changing them is an administrator's
/// (<c>users:manage</c>), since a share raises someone's rights.
/// </summary>
internal static class WorkflowShareEndpoints
{
    private static readonly string[] PutFields = ["principal_type", "principal_id", "permission"];

    public static RouteGroupBuilder MapWorkflowShareEndpoints(this RouteGroupBuilder api)
    {
        var shares = api.MapGroup("/workflows/{id}/shares").WithTags("Workflows");
        shares.MapGet("/", ListAsync).RequirePermission(Permissions.WorkflowsRead);
        shares.MapPut("/", PutAsync).RequirePermission(Permissions.UsersManage);
        shares.MapDelete("/{principal_type}/{principal_id}", DeleteAsync).RequirePermission(Permissions.UsersManage);
        return api;
    }

    public sealed record ShareResponse(string PrincipalType, string PrincipalId, string Permission, IReadOnlyList<string> Grants, string? CreatedBy, DateTimeOffset CreatedAt)
    {
        public static ShareResponse From(WorkflowShareRecord s) =>
            new(s.PrincipalType, s.PrincipalId, s.Permission, Permissions.All.Where(WorkflowShareGrants.For(s.Permission).Contains).ToList(), s.CreatedBy, s.CreatedAt);
    }

    public sealed record ShareList(string WorkflowId, IReadOnlyList<ShareResponse> Items);

    private static async Task<Results<Ok<ShareList>, ProblemHttpResult>> ListAsync(
        string id, Caller caller, IWorkflowStore workflows, IWorkflowShareStore shares, CancellationToken ct)
    {
        if (await workflows.GetAsync(caller.TenantId, id, ct) is null) return NotFound(id);
        return TypedResults.Ok(new ShareList(id, (await shares.ListSharesAsync(caller.TenantId, id, ct)).Select(ShareResponse.From).ToList()));
    }

    private static async Task<Results<Ok<ShareResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string id, HttpRequest request, Caller caller, IIdentityStore identities, IWorkflowShareStore shares, TimeProvider time, AuditContext audit,
        CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, PutFields, ct);
        if (problem is not null) return problem;
        var type = body!.String("principal_type", required: true, maxLength: 8);
        if (type is not null && !SharePrincipals.All.Contains(type)) body.Error("principal_type", "Must be user or role.");
        var principal = body.String("principal_id", required: true, maxLength: 64);
        var permission = body.String("permission", required: true, maxLength: 8);
        if (permission is not null && !SharePermissions.All.Contains(permission)) body.Error("permission", "Must be read, run or edit.");
        if (body.Problem is null && type == SharePrincipals.Role && !Roles.All.Contains(principal!))
            body.Error("principal_id", $"Must be one of the roles {string.Join(", ", Roles.All)}.");
        if (body.Problem is null && type == SharePrincipals.User &&
            (!Guid.TryParse(principal, out var userId) || await identities.GetUserAsync(caller.TenantId, userId, ct) is null))
            body.Error("principal_id", "Must be the id of a user of this tenant.");
        if (body.Problem is { } invalid) return invalid;

        var userPrincipal = type == SharePrincipals.User ? Guid.Parse(principal!).ToString("D") : principal!;
        var before = (await shares.ListSharesAsync(caller.TenantId, id, ct)).FirstOrDefault(s => s.PrincipalType == type && s.PrincipalId == userPrincipal);
        var saved = await shares.PutShareAsync(new WorkflowShareRecord(caller.TenantId, id, type!, userPrincipal, permission!, caller.SubjectId, time.GetUtcNow()), ct);
        if (saved is null) return NotFound(id);
        audit.Describe("workflow_share", id, before is null ? "share" : "update_share",
            before is null ? null : ShareResponse.From(before), ShareResponse.From(saved));
        return TypedResults.Ok(ShareResponse.From(saved));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, [Microsoft.AspNetCore.Mvc.FromRoute(Name = "principal_type")] string principalType,
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "principal_id")] string principalId,
        Caller caller, IWorkflowShareStore shares, AuditContext audit, CancellationToken ct)
    {
        if (!await shares.DeleteShareAsync(caller.TenantId, id, principalType, principalId, ct))
            return Problems.NotFound($"Workflow '{id}' has no share for {principalType} '{principalId}'.");
        audit.Describe("workflow_share", id, "unshare", before: new { principal_type = principalType, principal_id = principalId });
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"Workflow '{id}' does not exist.");
}
