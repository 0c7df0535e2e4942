using System.Text.Json;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Scheduling;

namespace OpenClaw.Server.Scheduling;

/// <summary>A cron schedule as the API returns it; <c>next_fire_times</c> are computed (none while paused).</summary>
public sealed record ScheduleResponse(
    Guid Id, string WorkflowId, string Cron, string TimeZone, JsonElement Inputs, TaskPriority Priority, string MisfirePolicy, bool Enabled,
    DateTimeOffset? NextFireAt, DateTimeOffset? LastFireAt, IReadOnlyList<DateTimeOffset> NextFireTimes, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ScheduleResponse From(ScheduleRecord s, DateTimeOffset now, int count)
    {
        IReadOnlyList<DateTimeOffset> next = [];
        if (s.Enabled && CronSchedule.TryParse(s.Cron, s.TimeZone).Schedule is { } cron)
        {
            // From the stored next fire time (which may be due now), so the list starts where the scheduler will.
            var first = s.NextFireAt ?? cron.Next(now);
            next = first is { } f ? [f, .. cron.NextTimes(f, count - 1)] : [];
        }
        return new(s.Id, s.WorkflowId, s.Cron, s.TimeZone, s.Inputs, s.Priority, s.MisfirePolicy, s.Enabled, s.NextFireAt, s.LastFireAt,
            next, s.CreatedAt, s.UpdatedAt);
    }
}
