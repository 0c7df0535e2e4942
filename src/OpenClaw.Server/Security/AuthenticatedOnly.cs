namespace OpenClaw.Server.Security;

/// <summary>Endpoint metadata: any authenticated caller may call it, whatever their permissions (e.g. <c>GET /auth/me</c>).</summary>
public sealed class AuthenticatedOnly
{
    public static readonly AuthenticatedOnly Instance = new();
}

/// <summary>Declares endpoints any authenticated caller may use.</summary>
public static class AuthenticatedOnlyExtensions
{
    /// <summary>Requires a caller (user, key or client) but no particular permission.</summary>
    public static TBuilder RequireAuthenticated<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(AuthenticatedOnly.Instance);
        return builder;
    }
}
