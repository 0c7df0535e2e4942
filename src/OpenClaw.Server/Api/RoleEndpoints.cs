using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary><c>GET /roles</c>: the fixed permission matrix and what each share level adds, for any authenticated caller.</summary>
internal static class RoleEndpoints
{
    public static RouteGroupBuilder MapRoleEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/roles", Matrix).RequireAuthenticated().WithTags("Users");
        return api;
    }

    public sealed record RoleResponse(string Name, IReadOnlyList<string> Permissions);

    public sealed record ShareLevelResponse(string Name, IReadOnlyList<string> Permissions);

    public sealed record RoleMatrix(IReadOnlyList<string> Permissions, IReadOnlyList<RoleResponse> Roles, IReadOnlyList<ShareLevelResponse> ShareLevels);

    /// <remarks>Shown as the caller's tenant sees it: <c>tenants:manage</c> appears for administrators only in the default tenant.</remarks>
    private static Ok<RoleMatrix> Matrix(Caller caller) => TypedResults.Ok(new RoleMatrix(
        Permissions.All,
        Roles.All.Select(r => new RoleResponse(r, Permissions.All.Where(RolePermissions.For(r, caller.TenantId).Contains).ToList())).ToList(),
        SharePermissions.All.Select(l => new ShareLevelResponse(l, Permissions.All.Where(WorkflowShareGrants.For(l).Contains).ToList())).ToList()));
}
