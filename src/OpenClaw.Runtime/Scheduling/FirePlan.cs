using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Scheduling;

/// <summary>One execution a scheduler starts: for fire time <paramref name="FireAt"/>, claiming the schedule's next fire time from <paramref name="Expected"/> to <paramref name="Next"/>.</summary>
public sealed record FireClaim(DateTimeOffset FireAt, DateTimeOffset Expected, DateTimeOffset? Next);

/// <summary>
/// What to do with a due schedule: the executions to start (each claiming the next fire time in turn) or, when none,
/// where to move the next fire time. A fire time late by at most the misfire threshold is on time; a later one is a
/// misfire, handled by the schedule's policy: <c>fire_once</c> one run (for the oldest missed time), <c>skip</c> none,
/// <c>fire_all</c> one per missed time, oldest first, at most <c>catchUpCap</c>. After a misfire the schedule continues
/// with the first fire time after now.
/// </summary>
public sealed record FirePlan(IReadOnlyList<FireClaim> Claims, DateTimeOffset Due, DateTimeOffset? AdvanceTo)
{
    public static FirePlan For(CronSchedule cron, DateTimeOffset due, DateTimeOffset now, string policy, TimeSpan misfireThreshold, int catchUpCap)
    {
        if (due > now) return new FirePlan([], due, due);
        if (now - due <= misfireThreshold) return new FirePlan([new FireClaim(due, due, cron.Next(due))], due, null);

        var resume = cron.Next(now);
        switch (policy)
        {
            case MisfirePolicies.Skip:
                return new FirePlan([], due, resume);
            case MisfirePolicies.FireAll:
                var missed = new List<DateTimeOffset> { due };
                while (missed.Count < catchUpCap && cron.Next(missed[^1]) is { } next && next <= now) missed.Add(next);
                var claims = new List<FireClaim>(missed.Count);
                for (int i = 0; i < missed.Count; i++)
                    claims.Add(new FireClaim(missed[i], missed[i], i + 1 < missed.Count ? missed[i + 1] : resume));
                return new FirePlan(claims, due, null);
            default:
                return new FirePlan([new FireClaim(due, due, resume)], due, null);
        }
    }
}

/// <summary>Another scheduler claimed this cron fire time first; the execution was not started here.</summary>
public sealed class FireAlreadyClaimedException(ScheduleFire fire)
    : Exception($"Fire time {fire.DueAt:O} of schedule {fire.ScheduleId} was already claimed by another scheduler.")
{
    public ScheduleFire Fire { get; } = fire;
}
