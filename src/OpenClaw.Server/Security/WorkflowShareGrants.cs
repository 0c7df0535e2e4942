using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>
/// What a share level adds on its workflow: <c>read</c> the workflow and its executions, <c>run</c> also starts and
/// cancels them, <c>edit</c> also changes the workflow. Shares only add to a user's role; they never take away.
/// </summary>
public static class WorkflowShareGrants
{
    private static readonly HashSet<string> Read = [Permissions.WorkflowsRead, Permissions.ExecutionsRead];
    private static readonly HashSet<string> Run = [.. Read, Permissions.ExecutionsRun];
    private static readonly HashSet<string> Edit = [.. Run, Permissions.WorkflowsWrite];

    public static IReadOnlySet<string> For(string level) => level switch
    {
        SharePermissions.Read => Read,
        SharePermissions.Run => Run,
        SharePermissions.Edit => Edit,
        _ => new HashSet<string>(),
    };

    /// <summary>The workflow id of a request to <c>.../workflows/{id}...</c>, where shares apply; null elsewhere.</summary>
    public static string? WorkflowId(HttpContext context, Endpoint endpoint) =>
        endpoint is RouteEndpoint route && route.RoutePattern.RawText?.Contains("/workflows/{id}", StringComparison.Ordinal) == true
            ? context.Request.RouteValues["id"]?.ToString()
            : null;
}
