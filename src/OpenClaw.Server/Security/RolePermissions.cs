using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>
/// The fixed role matrix (documented in docs/security.md): what each role may do in its tenant. API keys and OAuth2
/// clients carry their creator's role, narrowed by their scopes.
/// </summary>
public static class RolePermissions
{
    /// <summary>An API-key or client scope meaning "everything the role allows" (the bootstrap key has it).</summary>
    public const string AllScopes = "*";

    private static readonly HashSet<string> Viewer =
    [
        Permissions.WorkflowsRead, Permissions.ExecutionsRead, Permissions.QueuesRead, Permissions.SchedulesRead, Permissions.PluginsRead,
    ];

    private static readonly HashSet<string> Operator =
    [
        .. Viewer, Permissions.ExecutionsRun, Permissions.QueuesManage, Permissions.SchedulesManage, Permissions.CredentialsRead,
    ];

    private static readonly HashSet<string> Editor =
    [
        .. Viewer, Permissions.WorkflowsWrite, Permissions.ExecutionsRun, Permissions.SchedulesManage, Permissions.TriggersManage,
        Permissions.CredentialsRead, Permissions.CredentialsManage, Permissions.NotificationsManage,
    ];

    /// <summary>
    /// Permissions of a role in a tenant. <c>tenants:manage</c> and <c>plugins:manage</c> act on the whole installation
    /// (tenants; plugins are installed for every tenant), so only administrators of the default tenant (platform
    /// administrators) hold them.
    /// </summary>
    public static IReadOnlySet<string> For(string role, string tenantId) => role switch
    {
        Roles.Admin => tenantId == DefaultTenant ? AdminOfDefault : AdminOfOther,
        Roles.Editor => Editor,
        Roles.Operator => Operator,
        Roles.Viewer => Viewer,
        _ => EmptySet,
    };

    /// <summary>The role's permissions narrowed to <paramref name="scopes"/> (<see cref="AllScopes"/> keeps them all).</summary>
    public static IReadOnlySet<string> Narrow(string role, string tenantId, IReadOnlyList<string> scopes)
    {
        var granted = For(role, tenantId);
        return scopes.Contains(AllScopes) ? granted : granted.Where(scopes.Contains).ToHashSet();
    }

    /// <summary>The tenant every installation has; its administrators manage tenants.</summary>
    public const string DefaultTenant = "default";

    private static readonly HashSet<string> AdminOfDefault = [.. Permissions.All];
    private static readonly HashSet<string> AdminOfOther = [.. Permissions.All.Where(p => p is not (Permissions.TenantsManage or Permissions.PluginsManage))];
    private static readonly HashSet<string> EmptySet = [];
}
