using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenClaw.Runtime.Scheduling;

namespace OpenClaw.Server.Scheduling;

/// <summary>Settings of the scheduler (configuration section <c>OpenClaw:Scheduler</c>).</summary>
public sealed class SchedulerSettings
{
    /// <summary>The most executions a tenant runs at once; unset is unlimited.</summary>
    public int? TenantConcurrency { get; set; }

    /// <summary>Per-tenant limits replacing <see cref="TenantConcurrency"/>, by tenant id.</summary>
    public Dictionary<string, int> TenantConcurrencyOverrides { get; set; } = [];
}

/// <summary>Registers the scheduler: tenant concurrency limits and, in the <c>scheduler</c> and <c>all</c> roles, the cron scheduler.</summary>
public static class SchedulerComposition
{
    public static WebApplicationBuilder AddOpenClawScheduler(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("OpenClaw:Scheduler").Get<SchedulerSettings>() ?? new SchedulerSettings();
        var limits = new TenantConcurrencyLimits { Default = settings.TenantConcurrency };
        foreach (var (tenant, limit) in settings.TenantConcurrencyOverrides) limits.Overrides[tenant] = limit;
        limits.Validate();
        builder.Services.Replace(ServiceDescriptor.Singleton(limits));
        return builder;
    }
}
