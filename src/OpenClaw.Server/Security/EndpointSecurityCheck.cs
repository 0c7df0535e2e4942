using Microsoft.AspNetCore.Authorization;

namespace OpenClaw.Server.Security;

/// <summary>
/// Refuses to start a server with an endpoint that declares neither <c>.RequirePermission(...)</c> nor
/// <c>.AllowAnonymous()</c>, listing every offender, so an unprotected endpoint cannot ship.
/// </summary>
internal sealed class EndpointSecurityCheck(EndpointDataSource endpoints) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var offenders = Undeclared(endpoints).ToList();
        if (offenders.Count > 0)
        {
            throw new InvalidOperationException(
                $"{offenders.Count} endpoint(s) declare neither .RequirePermission(Permissions.X) nor .AllowAnonymous(): " +
                string.Join("; ", offenders) + ". Every endpoint must say who may call it.");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Endpoints without a declaration, as "GET /path" (also used by the authorisation matrix test).</summary>
    public static IEnumerable<string> Undeclared(EndpointDataSource endpoints) =>
        endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<RequiredPermission>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(Describe);

    public static string Describe(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
        return $"{string.Join(",", methods)} {endpoint.RoutePattern.RawText}";
    }
}
