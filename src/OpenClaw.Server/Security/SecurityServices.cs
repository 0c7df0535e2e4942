namespace OpenClaw.Server.Security;

/// <summary>Authentication and authorisation of every request.</summary>
public static class SecurityServices
{
    public static IServiceCollection AddOpenClawSecurity(this IServiceCollection services)
    {
        services.AddScoped<AuditContext>();
        return services;
    }

    /// <summary>
    /// Until authentication lands, every request acts as the default tenant's administrator; this is the one place
    /// that changes when it does.
    /// </summary>
    public static IApplicationBuilder UseOpenClawSecurity(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            Caller.Set(context, new Caller("default", "system", "system", CallerKind.User, "admin", Permissions.All.ToHashSet()));
            return next(context);
        });
}
