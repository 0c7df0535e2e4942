using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>Authentication and authorisation of every request.</summary>
public static class SecurityServices
{
    public static IServiceCollection AddOpenClawSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddScoped<AuditContext>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PasswordHasher<UserRecord>>();
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<SessionStateCache>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<SecurityLogWriter>();
        services.AddSingleton<LoginThrottle>();
        services.AddOptions<TenantLimitOptions>().Bind(configuration.GetSection(TenantLimitOptions.Section))
            .Validate(o => o.RequestsPerMinute >= 0 && o.MaxWorkflows is null or >= 0 && o.MaxExecutionsPerDay is null or >= 0,
                "OpenClaw:Tenants: RequestsPerMinute, MaxWorkflows and MaxExecutionsPerDay must not be negative.")
            .ValidateOnStart();
        services.AddSingleton(sp => new SharedRateLimiter(sp.GetRequiredService<TimeProvider>(), sp.GetService<Caching.Redis.RedisCounters>()));
        services.AddSingleton<TenantLimits>();
        services.AddSingleton<ExecutionQuota>();
        services.AddSingleton<OpenClaw.Runtime.Execution.IExecutionAdmission>(sp => sp.GetRequiredService<ExecutionQuota>());
        services.AddExceptionHandler<ExecutionQuotaExceededHandler>();
        services.AddSingleton<UserSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<SecurityLogWriter>());
        services.AddHostedService<SecurityBootstrap>();
        services.AddTransient<IStartupFilter, EndpointSecurityCheck>();
        return services;
    }

    /// <summary>Authenticates, authorises and logs every request (after routing, so the endpoint's declaration is known).</summary>
    public static IApplicationBuilder UseOpenClawSecurity(this IApplicationBuilder app) =>
        app.UseMiddleware<SecurityMiddleware>().UseMiddleware<AuditMiddleware>();
}
