using NCrontab;

namespace OpenClaw.Runtime.Scheduling;

/// <summary>
/// A cron expression read in an IANA time zone: 5 fields (minute hour day month weekday) or 6 with seconds first.
/// Fire times are wall-clock times in the zone, turned into instants as follows around daylight-saving changes:
/// a time that does not exist (in the gap when clocks jump forward) fires shifted forward by the gap (02:30 fires at
/// 03:30 when 02:00 jumps to 03:00), and two shifted times that land on one instant fire once; a time that exists twice
/// (when clocks fall back) fires once, at its first occurrence.
/// </summary>
public sealed class CronSchedule
{
    // Cron expressions that can never fire (30 February) are searched this far ahead and then given up.
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(366 * 5);

    private readonly CrontabSchedule _cron;

    private CronSchedule(CrontabSchedule cron, TimeZoneInfo zone)
    {
        _cron = cron;
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses <paramref name="expression"/> in <paramref name="timeZone"/>; returns the schedule or what is wrong with each.</summary>
    public static (CronSchedule? Schedule, string? CronError, string? TimeZoneError) TryParse(string expression, string timeZone)
    {
        string? cronError = null, zoneError = null;
        CrontabSchedule? cron = null;
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            cronError = $"'{expression}' has {fields} fields; use 5 (minute hour day month weekday) or 6 (second first).";
        }
        else
        {
            try
            {
                cron = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
            }
            catch (CrontabException ex)
            {
                cronError = $"'{expression}' is not a valid cron expression: {ex.Message.Split(Environment.NewLine)[0]}";
            }
        }

        TimeZoneInfo? zone = null;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone) || !zone.HasIanaId && timeZone != "UTC")
            zoneError = $"'{timeZone}' is not an IANA time zone such as UTC, Europe/Berlin or America/New_York.";
        return cron is not null && zoneError is null ? (new CronSchedule(cron, zone!), null, null) : (null, cronError, zoneError);
    }

    /// <summary>Parses a stored (already validated) schedule.</summary>
    /// <exception cref="FormatException">It does not parse.</exception>
    public static CronSchedule Parse(string expression, string timeZone)
    {
        var (schedule, cronError, zoneError) = TryParse(expression, timeZone);
        return schedule ?? throw new FormatException(cronError ?? zoneError);
    }

    /// <summary>The first fire instant strictly after <paramref name="after"/>, or null when there is none within five years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var limit = after + Horizon;
        var local = TimeZoneInfo.ConvertTime(after, Zone).DateTime;
        while (true)
        {
            var next = _cron.GetNextOccurrence(local, local + Horizon);
            if (next >= local + Horizon) return null;
            var instant = ToInstant(next);
            if (instant > after) return instant;
            if (instant > limit) return null;
            // A time in the repeated hour already passed, or a shifted gap time that collapsed onto an earlier one.
            local = next;
        }
    }

    /// <summary>The next <paramref name="count"/> fire instants after <paramref name="after"/>.</summary>
    public IReadOnlyList<DateTimeOffset> NextTimes(DateTimeOffset after, int count)
    {
        var times = new List<DateTimeOffset>(count);
        var from = after;
        while (times.Count < count && Next(from) is { } next)
        {
            times.Add(next);
            from = next;
        }
        return times;
    }

    private DateTimeOffset ToInstant(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            // In the gap: read with the offset in force before it, which lands as far past the gap's end as the time was past its start.
            var before = Zone.GetUtcOffset(local.AddDays(-1));
            return new DateTimeOffset(local - before, TimeSpan.Zero);
        }
        if (Zone.IsAmbiguousTime(local))
        {
            // Twice on the clock: the first occurrence has the larger offset (daylight time).
            var offset = Zone.GetAmbiguousTimeOffsets(local).Max();
            return new DateTimeOffset(local - offset, TimeSpan.Zero);
        }
        return new DateTimeOffset(local - Zone.GetUtcOffset(local), TimeSpan.Zero);
    }
}
