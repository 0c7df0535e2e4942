using System.Text.Json;

namespace OpenClaw.Core.Storage;

/// <summary>
/// Cron schedules (the <c>schedules</c> table). Fire times are claimed with the execution they start
/// (<see cref="ExecutionChange.Fire"/>), so several schedulers never fire one time twice.
/// </summary>
public interface IScheduleStore
{
    /// <exception cref="DuplicateKeyException">A schedule with that id exists.</exception>
    Task<ScheduleRecord> CreateAsync(ScheduleRecord schedule, CancellationToken cancellationToken = default);

    /// <summary>One schedule, or null (also another tenant's).</summary>
    Task<ScheduleRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>The tenant's schedules, newest first.</summary>
    Task<Page<ScheduleRecord>> ListAsync(ScheduleQuery query, CancellationToken cancellationToken = default);

    /// <summary>Replaces every field but id, tenant and creation time; null when there is no such schedule.</summary>
    Task<ScheduleRecord?> UpdateAsync(ScheduleRecord schedule, CancellationToken cancellationToken = default);

    /// <summary>False when there was none.</summary>
    Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>Enabled schedules of every tenant whose next fire time is at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<ScheduleRecord>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default);

    /// <summary>The earliest next fire time of any enabled schedule, or null.</summary>
    Task<DateTimeOffset?> NextFireAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a schedule's next fire time from <paramref name="dueAt"/> to <paramref name="nextAt"/> without starting
    /// anything (missed fire times skipped); false when another scheduler moved it first.
    /// </summary>
    Task<bool> AdvanceAsync(Guid id, DateTimeOffset dueAt, DateTimeOffset? nextAt, CancellationToken cancellationToken = default);
}

/// <summary>Filters for listing schedules.</summary>
public sealed record ScheduleQuery(string TenantId, string? WorkflowId = null, int Limit = 50, string? Cursor = null);

/// <summary>A cron schedule starting a workflow.</summary>
/// <param name="Cron">Five fields (minute precision) or six (with seconds first).</param>
/// <param name="TimeZone">IANA time zone the cron fields are read in.</param>
/// <param name="MisfirePolicy">One of <see cref="MisfirePolicies"/>.</param>
/// <param name="NextFireAt">The next fire time not yet claimed; null while disabled or when the cron never fires again.</param>
public sealed record ScheduleRecord(
    Guid Id, string TenantId, string WorkflowId, string Cron, string TimeZone, JsonElement Inputs, TaskPriority Priority,
    string MisfirePolicy, bool Enabled, DateTimeOffset? NextFireAt, DateTimeOffset? LastFireAt, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What a scheduler does with fire times it missed (it was down, or behind by more than the misfire threshold).</summary>
public static class MisfirePolicies
{
    /// <summary>One catch-up run for all the missed times, then on schedule (the default).</summary>
    public const string FireOnce = "fire_once";

    /// <summary>No catch-up; the next run is the next fire time in the future.</summary>
    public const string Skip = "skip";

    /// <summary>One run per missed time, at most the scheduler's catch-up cap; older ones are skipped.</summary>
    public const string FireAll = "fire_all";

    public static IReadOnlyList<string> All { get; } = [FireOnce, Skip, FireAll];
}
