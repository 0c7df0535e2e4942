namespace OpenClaw.Server.Api;

/// <summary>Every endpoint of authentication, authorisation, tenants and the audit trail, mapped under one version prefix.</summary>
internal static class SecurityEndpoints
{
    public static RouteGroupBuilder MapSecurityEndpoints(this RouteGroupBuilder api) => api
        .MapAuthEndpoints()
        .MapOAuthTokenEndpoint()
        .MapUserEndpoints()
        .MapRoleEndpoints()
        .MapApiKeyEndpoints()
        .MapOAuthClientEndpoints()
        .MapTenantEndpoints()
        .MapWorkflowShareEndpoints()
        .MapAuditEndpoints();
}
