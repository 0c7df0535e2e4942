using System.Collections.Concurrent;
using System.Globalization;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using OpenClaw.Server.Caching.Redis;

namespace OpenClaw.Server.Security;

/// <summary>
/// The per-tenant daily execution quota (UTC day), applied to every start (<see cref="IExecutionAdmission"/>) without a
/// database query per start: each node keeps a count of the tenant's executions today, seeded from the database on first
/// use and refreshed from it every <see cref="RefreshInterval"/> (in the background), plus the starts it admitted since.
/// With Redis the count is one shared counter (<c>quota:{tenant}:{yyyyMMdd}</c>) that every node takes from atomically.
/// </summary>
/// <remarks>
/// Bound of overshoot: with Redis, none while it answers (a start that fails after admission is given back). Without
/// Redis, one node is exact; N nodes may together exceed the quota by what the other nodes start within one refresh
/// interval (each learns of the others' starts from the database). Tenants without a quota cost a cached settings read.
/// A refused schedule fire has nobody to answer 429 to: it is skipped and recorded as a <c>quota_exceeded</c> security event.
/// </remarks>
internal sealed class ExecutionQuota(
    TenantLimits limits, ITenantUsageQueries usage, SecurityLogWriter log, TimeProvider time, RedisCounters? shared = null) : IExecutionAdmission
{
    /// <summary>How often a node re-reads a tenant's count of today's executions from the database.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, TenantDay> _days = new(StringComparer.Ordinal);

    public async ValueTask AdmitAsync(StartExecutionRequest request, CancellationToken cancellationToken)
    {
        if (await limits.MaxExecutionsPerDayAsync(request.TenantId, cancellationToken) is not { } max) return;
        var now = time.GetUtcNow();
        var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var day = await DayAsync(request.TenantId, midnight, cancellationToken);
        var taken = shared is null
            ? null
            : await shared.TryTakeAsync(SharedKey(request.TenantId, midnight), max, day.Count, midnight.AddDays(1) - now + TimeSpan.FromHours(1), cancellationToken);
        if (taken is { } cluster ? Count(day, cluster) : day.TryTake(max)) return;

        var retryAfter = midnight.AddDays(1) - now;
        if (request.Fire is { } fire)
        {
            log.Event(new SecurityEventRecord(Guid.CreateVersion7(), request.TenantId, SecurityEventKinds.QuotaExceeded, null, null,
                $"Schedule {fire.ScheduleId} skipped its run of workflow '{request.WorkflowId}': the tenant's daily quota of {max} executions is used up.",
                null, now));
        }
        throw new ExecutionQuotaExceededException(request.TenantId, max, retryAfter);
    }

    public async ValueTask ReleaseAsync(StartExecutionRequest request)
    {
        var midnight = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        if (!_days.TryGetValue(request.TenantId, out var day) || day.Midnight != midnight) return;
        day.GiveBack();
        if (shared is not null) await shared.GiveBackAsync(SharedKey(request.TenantId, midnight), CancellationToken.None);
    }

    private static string SharedKey(string tenantId, DateTimeOffset midnight) =>
        $"quota:{tenantId}:{midnight.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    // Redis decided; the local count follows, so a fallback to it (Redis failing) starts from what this node saw.
    private static bool Count(TenantDay day, bool taken)
    {
        if (taken) day.Add();
        return taken;
    }

    private async ValueTask<TenantDay> DayAsync(string tenantId, DateTimeOffset midnight, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_days.TryGetValue(tenantId, out var day) && day.Midnight == midnight)
        {
            if (now - day.RefreshedAt >= RefreshInterval && day.BeginRefresh()) _ = RefreshAsync(tenantId, day);
            return day;
        }
        // First use today: seed from the database before admitting anything.
        var fresh = new TenantDay(midnight);
        fresh.BeginRefresh();
        fresh.EndRefresh(await usage.CountExecutionsSinceAsync(tenantId, midnight, ct), now);
        return _days.AddOrUpdate(tenantId, fresh, (_, existing) => existing.Midnight == midnight ? existing : fresh);
    }

    private async Task RefreshAsync(string tenantId, TenantDay day)
    {
        try
        {
            day.EndRefresh(await usage.CountExecutionsSinceAsync(tenantId, day.Midnight, CancellationToken.None), time.GetUtcNow());
        }
        catch (Exception)
        {
            // The database is away: keep counting locally; the next start after the interval tries again.
            day.EndRefresh(null, time.GetUtcNow());
        }
    }

    /// <summary>One tenant's count of executions in one UTC day, as this node knows it.</summary>
    private sealed class TenantDay(DateTimeOffset midnight)
    {
        private readonly Lock _lock = new();
        private long _count;
        private long _sinceRefreshBegan;
        private bool _refreshing;

        public DateTimeOffset Midnight { get; } = midnight;

        public DateTimeOffset RefreshedAt { get; private set; } = DateTimeOffset.MinValue;

        public long Count
        {
            get
            {
                lock (_lock) return _count;
            }
        }

        public bool TryTake(int max)
        {
            lock (_lock)
            {
                if (_count >= max) return false;
                _count++;
                _sinceRefreshBegan++;
                return true;
            }
        }

        public void Add()
        {
            lock (_lock)
            {
                _count++;
                _sinceRefreshBegan++;
            }
        }

        public void GiveBack()
        {
            lock (_lock)
            {
                _count = Math.Max(0, _count - 1);
                _sinceRefreshBegan--;
            }
        }

        /// <summary>False when a refresh is already running.</summary>
        public bool BeginRefresh()
        {
            lock (_lock)
            {
                if (_refreshing) return false;
                _refreshing = true;
                _sinceRefreshBegan = 0;
                return true;
            }
        }

        /// <summary>
        /// The database's count plus the starts admitted here since the query began (some of those may be in it already:
        /// a slight overcount, never an undercount of this node's starts), and never below what this node counted itself.
        /// </summary>
        public void EndRefresh(long? stored, DateTimeOffset at)
        {
            lock (_lock)
            {
                if (stored is { } s) _count = Math.Max(_count, s + Math.Max(0, _sinceRefreshBegan));
                RefreshedAt = at;
                _refreshing = false;
            }
        }
    }
}
