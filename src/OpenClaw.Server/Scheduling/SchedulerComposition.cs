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

    /// <summary>A cron fire time late by more than this is a misfire (default 1 minute).</summary>
    public TimeSpan? MisfireThreshold { get; set; }

    /// <summary>The most catch-up runs of a <c>fire_all</c> schedule after a misfire (default 10).</summary>
    public int? CatchUpCap { get; set; }
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

        var cron = new CronSchedulerOptions();
        if (settings.MisfireThreshold is { } threshold) cron.MisfireThreshold = threshold >= TimeSpan.Zero ? threshold
            : throw new InvalidOperationException("OpenClaw:Scheduler:MisfireThreshold must not be negative.");
        if (settings.CatchUpCap is { } cap) cron.CatchUpCap = cap >= 1 ? cap
            : throw new InvalidOperationException("OpenClaw:Scheduler:CatchUpCap must be at least 1.");
        builder.Services.AddSingleton(cron);
        builder.Services.AddSingleton<CronScheduler>();
        var role = builder.Configuration["OpenClaw:Role"] ?? "all";
        if (role is "all" or "scheduler") builder.Services.AddHostedService(sp => sp.GetRequiredService<CronScheduler>());
        return builder;
    }
}
