namespace OpenClaw.Server.Security;

/// <summary>Endpoint metadata: the caller must hold <paramref name="Permission"/> (by role and, for API keys, by scope).</summary>
public sealed record RequiredPermission(string Permission);

/// <summary>Declares what an endpoint requires; every API endpoint declares a permission or <c>AllowAnonymous</c>.</summary>
public static class EndpointSecurityExtensions
{
    /// <summary>Requires <paramref name="permission"/> (one of <see cref="Permissions"/>) for every endpoint of the builder.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder
    {
        if (!Permissions.All.Contains(permission))
            throw new ArgumentException($"'{permission}' is not one of OpenClaw's permissions.", nameof(permission));
        builder.WithMetadata(new RequiredPermission(permission));
        return builder;
    }
}
