using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>Defaults for every tenant (section <c>OpenClaw:Tenants</c>); a tenant's own settings (PATCH /tenants/{id}) win.</summary>
public sealed class TenantLimitOptions
{
    public const string Section = "OpenClaw:Tenants";

    /// <summary>API requests per minute per tenant on each node (default 60,000); 0 turns the limit off.</summary>
    public int RequestsPerMinute { get; set; } = 60_000;

    /// <summary>Workflows a tenant may have; null (default) for no limit.</summary>
    public int? MaxWorkflows { get; set; }

    /// <summary>Executions a tenant may start per UTC day through the API; null (default) for no limit.</summary>
    public int? MaxExecutionsPerDay { get; set; }
}

/// <summary>
/// Per-tenant request rate (a fixed one-minute window per tenant, from the shared framework's rate limiters) and quotas
/// (workflows, executions per day). Tenant settings are cached for <see cref="CacheFor"/>.
/// </summary>
/// <remarks>The rate is counted per node: with N API nodes a tenant may make N times the rate in all.</remarks>
internal sealed class TenantLimits(IIdentityStore store, ITenantUsageQueries usage, IOptions<TenantLimitOptions> options, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (TenantRecord? Tenant, DateTimeOffset Until)> _tenants = new();
    private readonly ConcurrentDictionary<string, (int Limit, FixedWindowRateLimiter Limiter)> _limiters = new();

    /// <summary>Takes one request of the tenant's rate; the wait before the next is allowed when over it.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string tenantId, CancellationToken ct)
    {
        var tenant = await TenantAsync(tenantId, ct);
        var limit = tenant?.RequestsPerMinute ?? options.Value.RequestsPerMinute;
        if (limit <= 0) return null;
        var entry = _limiters.AddOrUpdate(tenantId,
            _ => (limit, NewLimiter(limit)),
            (_, existing) => existing.Limit == limit ? existing : (limit, NewLimiter(limit)));
        using var lease = entry.Limiter.AttemptAcquire();
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
    }

    /// <summary>A 403 problem when the tenant has as many workflows as it may.</summary>
    public async Task<ProblemHttpResult?> CheckWorkflowQuotaAsync(string tenantId, CancellationToken ct)
    {
        var max = (await TenantAsync(tenantId, ct))?.MaxWorkflows ?? options.Value.MaxWorkflows;
        if (max is not { } m || await usage.CountWorkflowsAsync(tenantId, ct) < m) return null;
        return TypedResults.Problem($"The tenant has reached its quota of {m} workflows; delete some or ask for a larger quota.",
            statusCode: StatusCodes.Status403Forbidden, title: "Quota exceeded", type: "https://openclaw.dev/problems/quota");
    }

    /// <summary>A 429 problem (with Retry-After set until the next UTC midnight) when today's executions are used up.</summary>
    public async Task<ProblemHttpResult?> CheckExecutionQuotaAsync(HttpContext context, string tenantId, CancellationToken ct)
    {
        var max = (await TenantAsync(tenantId, ct))?.MaxExecutionsPerDay ?? options.Value.MaxExecutionsPerDay;
        if (max is not { } m) return null;
        var now = time.GetUtcNow();
        var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        if (await usage.CountExecutionsSinceAsync(tenantId, midnight, ct) < m) return null;
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling((midnight.AddDays(1) - now).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem($"The tenant has started its quota of {m} executions today (UTC); more can start after midnight UTC.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Quota exceeded", type: "https://openclaw.dev/problems/quota");
    }

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

    private static FixedWindowRateLimiter NewLimiter(int perMinute) => new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = perMinute,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });
}
