using OpenClaw.Server.Integrations;
using OpenClaw.Server.Scheduling;
using OpenClaw.Server.Events;

namespace OpenClaw.Server.Api;

/// <summary>Maps the REST API under each supported version prefix.</summary>
public static class ApiRoutes
{
    /// <summary>The supported versions; the last is the default.</summary>
    public static readonly string[] Versions = ["v1", "v2"];

    public static IEndpointRouteBuilder MapOpenClawApi(this IEndpointRouteBuilder endpoints)
    {
        foreach (var version in Versions)
        {
            var api = endpoints.MapGroup($"/api/{version}");
            api.MapIntegrationEndpoints();
            api
                .MapWorkflowEndpoints()
                .MapWorkflowVersionEndpoints()
                .MapExecutionEndpoints()
                .MapPluginEndpoints()
                .MapMarketplaceEndpoints()
                .MapSchedulerEndpoints()
                .MapExecutionEventEndpoints();
            endpoints.MapGroup($"/api/{version}").MapSecurityEndpoints();
        }
        return endpoints;
    }

    /// <summary>The version prefix the request came in on, e.g. <c>/api/v2</c>.</summary>
    internal static string Prefix(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        var parts = path.Split('/', 4, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && parts[0] == "api" ? $"/api/{parts[1]}" : "/api/v2";
    }
}
