using Microsoft.AspNetCore.Authorization;

namespace OpenClaw.Server.Security;

/// <summary>
/// Refuses to start a server with an endpoint that declares neither <c>.RequirePermission(...)</c> nor
/// <c>.AllowAnonymous()</c>, listing every offender, so an unprotected endpoint cannot ship.
/// </summary>
/// <remarks>
/// A startup filter, because only once the request pipeline is built (as the server starts) are all endpoints known:
/// the check runs after the app's own configuration, endpoints mapped after <c>Build</c> included.
/// </remarks>
internal sealed class EndpointSecurityCheck : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        var offenders = Undeclared(app.ApplicationServices.GetRequiredService<EndpointDataSource>()).ToList();
        if (offenders.Count > 0)
        {
            throw new InvalidOperationException(
                $"{offenders.Count} endpoint(s) declare none of .RequirePermission(Permissions.X), .RequireAuthenticated() or .AllowAnonymous(): " +
                string.Join("; ", offenders) + ". Every endpoint must say who may call it.");
        }
    };

    /// <summary>Endpoints without a declaration, as "GET /path" (also used by the authorisation matrix test).</summary>
    public static IEnumerable<string> Undeclared(EndpointDataSource endpoints) =>
        endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<RequiredPermission>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null &&
                e.Metadata.GetMetadata<AuthenticatedOnly>() is null)
            .Select(Describe);

    public static string Describe(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
        return $"{string.Join(",", methods)} {endpoint.RoutePattern.RawText}";
    }
}
