using OpenClaw.Runtime.Scheduling;

namespace OpenClaw.Runtime.Tests.Scheduling;

public sealed class CronScheduleTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Five_fields_fire_on_the_minute_and_six_fields_on_the_second()
    {
        var everyQuarter = CronSchedule.Parse("*/15 * * * *", "UTC");
        Assert.Equal([Utc("2026-03-01T10:15:00Z"), Utc("2026-03-01T10:30:00Z"), Utc("2026-03-01T10:45:00Z")],
            everyQuarter.NextTimes(Utc("2026-03-01T10:14:59Z"), 3));

        var everyTwoSeconds = CronSchedule.Parse("*/2 * * * * *", "UTC");
        Assert.Equal([Utc("2026-03-01T10:00:02Z"), Utc("2026-03-01T10:00:04Z")], everyTwoSeconds.NextTimes(Utc("2026-03-01T10:00:00Z"), 2));
    }

    [Fact]
    public void Fire_times_are_read_in_the_time_zone()
    {
        var nineInBerlin = CronSchedule.Parse("0 9 * * 1-5", "Europe/Berlin");
        // 2026-01-05 is a Monday; Berlin is UTC+1 in winter.
        Assert.Equal(Utc("2026-01-05T08:00:00Z"), nineInBerlin.Next(Utc("2026-01-04T12:00:00Z")));
        // Friday 9:00 is followed by Monday 9:00.
        Assert.Equal(Utc("2026-01-12T08:00:00Z"), nineInBerlin.Next(Utc("2026-01-09T08:00:00Z")));
        // Summer time: UTC+2.
        Assert.Equal(Utc("2026-07-06T07:00:00Z"), nineInBerlin.Next(Utc("2026-07-05T12:00:00Z")));
    }

    [Fact]
    public void A_time_in_the_spring_forward_gap_fires_shifted_by_the_gap_once()
    {
        // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
        var twoThirty = CronSchedule.Parse("30 2 * * *", "America/New_York");
        Assert.Equal([Utc("2026-03-07T07:30:00Z"), Utc("2026-03-08T07:30:00Z"), Utc("2026-03-09T06:30:00Z")],
            twoThirty.NextTimes(Utc("2026-03-07T00:00:00Z"), 3));
        // 07:30Z is 03:30 EDT: shifted forward by the hour that was skipped.

        // Every minute through the gap: 02:00-02:59 never happen, 03:00 fires once and the minutes go on.
        var everyMinute = CronSchedule.Parse("* * * * *", "America/New_York");
        var times = everyMinute.NextTimes(Utc("2026-03-08T06:58:00Z"), 4);
        Assert.Equal([Utc("2026-03-08T06:59:00Z"), Utc("2026-03-08T07:00:00Z"), Utc("2026-03-08T07:01:00Z"), Utc("2026-03-08T07:02:00Z")], times);
    }

    [Fact]
    public void A_time_in_the_fall_back_overlap_fires_once_at_its_first_occurrence()
    {
        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        var oneThirty = CronSchedule.Parse("30 1 * * *", "America/New_York");
        Assert.Equal([Utc("2026-11-01T05:30:00Z"), Utc("2026-11-02T06:30:00Z")], oneThirty.NextTimes(Utc("2026-10-31T12:00:00Z"), 2));

        // Every 30 minutes across the overlap: the repeated 01:00 and 01:30 fire only the first time.
        var halfHourly = CronSchedule.Parse("0,30 * * * *", "America/New_York");
        Assert.Equal(
            [Utc("2026-11-01T05:00:00Z"), Utc("2026-11-01T05:30:00Z"), Utc("2026-11-01T07:00:00Z"), Utc("2026-11-01T07:30:00Z")],
            halfHourly.NextTimes(Utc("2026-11-01T04:45:00Z"), 4));
    }

    [Theory]
    [InlineData("* * * *", "UTC", true, false)]
    [InlineData("61 * * * *", "UTC", true, false)]
    [InlineData("* * * * * * *", "UTC", true, false)]
    [InlineData("0 9 * * *", "Mars/Olympus", false, true)]
    [InlineData("0 9 * * *", "Eastern Standard Time", false, true)]
    [InlineData("nonsense", "Nowhere", true, true)]
    public void Bad_expressions_and_zones_are_named(string cron, string zone, bool cronBad, bool zoneBad)
    {
        var (schedule, cronError, zoneError) = CronSchedule.TryParse(cron, zone);
        Assert.Null(schedule);
        Assert.Equal(cronBad, cronError is not null);
        Assert.Equal(zoneBad, zoneError is not null);
    }

    [Fact]
    public void A_cron_that_never_fires_has_no_next_time() =>
        Assert.Null(CronSchedule.Parse("0 0 30 2 *", "UTC").Next(Utc("2026-01-01T00:00:00Z")));
}
