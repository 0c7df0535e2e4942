namespace OpenClaw.Runtime.Scheduling;

/// <summary>
/// The most executions each tenant runs at once (configuration <c>OpenClaw:Scheduler:TenantConcurrency</c> and
/// <c>OpenClaw:Scheduler:TenantConcurrencyOverrides:&lt;tenant&gt;</c>); null is unlimited, the default.
/// </summary>
public sealed class TenantConcurrencyLimits
{
    /// <summary>The limit of tenants without an override.</summary>
    public int? Default { get; set; }

    /// <summary>Per-tenant limits that replace <see cref="Default"/>.</summary>
    public IDictionary<string, int> Overrides { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    public int? For(string tenantId) => Overrides.TryGetValue(tenantId, out var limit) ? limit : Default;

    /// <exception cref="ArgumentOutOfRangeException">A limit is below 1.</exception>
    public void Validate()
    {
        if (Default is < 1) throw new ArgumentOutOfRangeException(nameof(Default), Default, "OpenClaw:Scheduler:TenantConcurrency must be at least 1 (or unset for no limit).");
        foreach (var (tenant, limit) in Overrides)
        {
            if (limit < 1) throw new ArgumentOutOfRangeException(nameof(Overrides), limit, $"OpenClaw:Scheduler:TenantConcurrencyOverrides:{tenant} must be at least 1.");
        }
    }
}
