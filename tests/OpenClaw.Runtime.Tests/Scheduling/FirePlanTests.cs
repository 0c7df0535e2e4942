using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Scheduling;

namespace OpenClaw.Runtime.Tests.Scheduling;

public sealed class FirePlanTests
{
    private static readonly CronSchedule Hourly = CronSchedule.Parse("0 * * * *", "UTC");
    private static readonly DateTimeOffset Due = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Threshold = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_fire_time_not_yet_due_does_nothing()
    {
        var plan = FirePlan.For(Hourly, Due, Due.AddSeconds(-1), MisfirePolicies.FireOnce, Threshold, 10);
        Assert.Empty(plan.Claims);
        Assert.Equal(Due, plan.AdvanceTo);
    }

    [Theory]
    [InlineData(MisfirePolicies.FireOnce)]
    [InlineData(MisfirePolicies.Skip)]
    [InlineData(MisfirePolicies.FireAll)]
    public void A_fire_time_within_the_threshold_fires_once_whatever_the_policy(string policy)
    {
        var plan = FirePlan.For(Hourly, Due, Due.AddSeconds(59), policy, Threshold, 10);
        Assert.Equal([new FireClaim(Due, Due, Due.AddHours(1))], plan.Claims);
    }

    [Fact]
    public void Fire_once_runs_one_catch_up_and_continues_after_now()
    {
        var now = Due.AddHours(3).AddMinutes(20);
        var plan = FirePlan.For(Hourly, Due, now, MisfirePolicies.FireOnce, Threshold, 10);
        Assert.Equal([new FireClaim(Due, Due, Due.AddHours(4))], plan.Claims);
    }

    [Fact]
    public void Skip_runs_nothing_and_moves_to_the_next_time_after_now()
    {
        var plan = FirePlan.For(Hourly, Due, Due.AddHours(3).AddMinutes(20), MisfirePolicies.Skip, Threshold, 10);
        Assert.Empty(plan.Claims);
        Assert.Equal(Due.AddHours(4), plan.AdvanceTo);
    }

    [Fact]
    public void Fire_all_runs_every_missed_time_in_a_chain_of_claims_up_to_the_cap()
    {
        var plan = FirePlan.For(Hourly, Due, Due.AddHours(3).AddMinutes(20), MisfirePolicies.FireAll, Threshold, 10);
        Assert.Equal(
            [new FireClaim(Due, Due, Due.AddHours(1)), new FireClaim(Due.AddHours(1), Due.AddHours(1), Due.AddHours(2)),
             new FireClaim(Due.AddHours(2), Due.AddHours(2), Due.AddHours(3)), new FireClaim(Due.AddHours(3), Due.AddHours(3), Due.AddHours(4))],
            plan.Claims);

        var capped = FirePlan.For(Hourly, Due, Due.AddDays(2), MisfirePolicies.FireAll, Threshold, 3);
        Assert.Equal([Due, Due.AddHours(1), Due.AddHours(2)], capped.Claims.Select(c => c.FireAt));
        Assert.Equal(Due.AddDays(2).AddHours(1), capped.Claims[^1].Next);
    }

    [Fact]
    public void Execution_ids_are_the_same_for_the_same_fire_and_differ_otherwise()
    {
        var schedule = Guid.NewGuid();
        Assert.Equal(CronScheduler.ExecutionIdFor(schedule, Due), CronScheduler.ExecutionIdFor(schedule, Due));
        Assert.NotEqual(CronScheduler.ExecutionIdFor(schedule, Due), CronScheduler.ExecutionIdFor(schedule, Due.AddSeconds(1)));
        Assert.NotEqual(CronScheduler.ExecutionIdFor(schedule, Due), CronScheduler.ExecutionIdFor(Guid.NewGuid(), Due));
    }
}
