using OpenClaw.Server.Observability;

namespace OpenClaw.Server.Tests.Observability;

public sealed class ActiveUserTrackerTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void CountActive_CountsDistinctUsersSeenInTheLastFiveMinutes()
    {
        var time = new ManualTime();
        var tracker = new ActiveUserTracker(time);
        var ada = Guid.NewGuid();
        var bob = Guid.NewGuid();

        Assert.Equal(0, tracker.CountActive());
        tracker.Touch(ada);
        tracker.Touch(ada);
        tracker.Touch(bob);
        Assert.Equal(2, tracker.CountActive());

        time.Now += TimeSpan.FromMinutes(3);
        tracker.Touch(bob);
        time.Now += TimeSpan.FromMinutes(3);
        Assert.Equal(1, tracker.CountActive());

        time.Now += TimeSpan.FromMinutes(6);
        Assert.Equal(0, tracker.CountActive());
    }
}
