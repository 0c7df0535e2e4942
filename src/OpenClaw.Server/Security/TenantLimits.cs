using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>Defaults for every tenant (section <c>OpenClaw:Tenants</c>); a tenant's own settings (PATCH /tenants/{id}) win.</summary>
public sealed class TenantLimitOptions
{
    public const string Section = "OpenClaw:Tenants";

    /// <summary>API requests per minute per tenant (default 60,000; all nodes together when Redis is configured); 0 turns the limit off.</summary>
    public int RequestsPerMinute { get; set; } = 60_000;

    /// <summary>Workflows a tenant may have; null (default) for no limit.</summary>
    public int? MaxWorkflows { get; set; }

    /// <summary>Executions a tenant may start per UTC day, however started; null (default) for no limit.</summary>
    public int? MaxExecutionsPerDay { get; set; }
}

/// <summary>
/// Per-tenant request rate (a fixed one-minute window per tenant: cluster-wide through Redis when it is configured, else
/// per node; see <see cref="SharedRateLimiter"/>) and quotas (workflows, executions per day: <see cref="ExecutionQuota"/>).
/// Tenant settings are cached for <see cref="CacheFor"/>.
/// </summary>
internal sealed class TenantLimits(IIdentityStore store, ITenantUsageQueries usage, SharedRateLimiter rates, IOptions<TenantLimitOptions> options, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (TenantRecord? Tenant, DateTimeOffset Until)> _tenants = new();

    /// <summary>Takes one request of the tenant's rate; the wait before the next is allowed when over it.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string tenantId, CancellationToken ct)
    {
        var tenant = await TenantAsync(tenantId, ct);
        var limit = tenant?.RequestsPerMinute ?? options.Value.RequestsPerMinute;
        if (limit <= 0) return null;
        return await rates.TryAcquireAsync("tenant:" + tenantId, limit, Window, ct);
    }

    /// <summary>A 403 problem when the tenant has as many workflows as it may.</summary>
    public async Task<ProblemHttpResult?> CheckWorkflowQuotaAsync(string tenantId, CancellationToken ct)
    {
        var max = (await TenantAsync(tenantId, ct))?.MaxWorkflows ?? options.Value.MaxWorkflows;
        if (max is not { } m || await usage.CountWorkflowsAsync(tenantId, ct) < m) return null;
        return TypedResults.Problem($"The tenant has reached its quota of {m} workflows; delete some or ask for a larger quota.",
            statusCode: StatusCodes.Status403Forbidden, title: "Quota exceeded", type: "https://openclaw.dev/problems/quota");
    }

    /// <summary>The tenant's daily execution quota (its own setting, else the server's default); null for none.</summary>
    public async ValueTask<int?> MaxExecutionsPerDayAsync(string tenantId, CancellationToken ct) =>
        (await TenantAsync(tenantId, ct))?.MaxExecutionsPerDay ?? options.Value.MaxExecutionsPerDay;

    /// <summary>Forgets a tenant's cached settings (after a change on this node).</summary>
    public void Forget(string tenantId) => _tenants.TryRemove(tenantId, out _);

    private async ValueTask<TenantRecord?> TenantAsync(string tenantId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_tenants.TryGetValue(tenantId, out var cached) && cached.Until > now) return cached.Tenant;
        var tenant = await store.GetTenantAsync(tenantId, ct);
        _tenants[tenantId] = (tenant, now + CacheFor);
        return tenant;
    }
}
