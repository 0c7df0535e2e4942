using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Runtime.Scheduling;

/// <summary>Settings of the cron scheduler.</summary>
public sealed class CronSchedulerOptions
{
    /// <summary>A fire time late by at most this much is on time; later, the schedule's misfire policy applies.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most catch-up runs a <c>fire_all</c> schedule starts after a misfire.</summary>
    public int CatchUpCap { get; set; } = 10;

    /// <summary>The longest the scheduler sleeps without looking (a safety net: changes wake it).</summary>
    public TimeSpan SafetyPollInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Starts the executions of due cron schedules (roles <c>scheduler</c> and <c>all</c>). It sleeps until the earliest
/// next fire time of any enabled schedule, woken early when a schedule changes (here, or in another process through
/// <see cref="ISchedulerSignal"/>), with only a slow safety poll otherwise. Each execution claims its fire time in the
/// commit that stores it (<see cref="ScheduleFire"/>), so schedulers in several processes never start one fire time
/// twice: the one that loses the race starts nothing. An execution's id is derived from its schedule and fire time, so
/// even a replayed fire could not store a second one.
/// </summary>
public sealed partial class CronScheduler(
    IScheduleStore schedules, ExecutionCoordinator coordinator, IEnumerable<ISchedulerSignal> signals, CronSchedulerOptions options,
    TimeProvider time, ILogger<CronScheduler> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>The trigger recorded on executions a schedule starts.</summary>
    public const string Trigger = "cron";

    /// <summary>Wakes the scheduler to look at the schedules again (one changed).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>The id of the execution started for <paramref name="fireAt"/> of <paramref name="scheduleId"/>: the same in every process.</summary>
    public static Guid ExecutionIdFor(Guid scheduleId, DateTimeOffset fireAt)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{scheduleId:N}:{fireAt.ToUnixTimeMilliseconds()}"));
        // A name-based (version 8, RFC 9562 variant) UUID from the first 16 bytes.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var signal in signals) signal.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    wait = await FireDueAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(ex);
                    wait = options.SafetyPollInterval;
                }
                await SleepAsync(wait, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            foreach (var signal in signals) signal.Changed -= OnChanged;
        }
    }

    /// <summary>Fires every due schedule; returns how long to sleep before the next fire time.</summary>
    internal async Task<TimeSpan> FireDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await schedules.ListDueAsync(now, BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (var schedule in due) await FireAsync(schedule, now, cancellationToken).ConfigureAwait(false);
        if (due.Count == BatchSize) return TimeSpan.Zero;

        var next = await schedules.NextFireAsync(cancellationToken).ConfigureAwait(false);
        var wait = next is { } at ? at - time.GetUtcNow() : options.SafetyPollInterval;
        return wait < options.SafetyPollInterval ? wait : options.SafetyPollInterval;
    }

    private async Task FireAsync(ScheduleRecord schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CronSchedule cron;
        try
        {
            cron = CronSchedule.Parse(schedule.Cron, schedule.TimeZone);
        }
        catch (FormatException ex)
        {
            // Validated when saved; a zone that vanished from the system's database is the only way here. Stop it firing.
            LogUnparsable(schedule.Id, ex.Message);
            await schedules.AdvanceAsync(schedule.Id, schedule.NextFireAt!.Value, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var plan = FirePlan.For(cron, schedule.NextFireAt!.Value, now, schedule.MisfirePolicy, options.MisfireThreshold, options.CatchUpCap);
        if (plan.Claims.Count == 0)
        {
            if (plan.AdvanceTo != plan.Due) await schedules.AdvanceAsync(schedule.Id, plan.Due, plan.AdvanceTo, cancellationToken).ConfigureAwait(false);
            if (plan.AdvanceTo != plan.Due) LogSkipped(schedule.Id, plan.Due, plan.AdvanceTo);
            return;
        }

        var inputs = schedule.Inputs.ValueKind == JsonValueKind.Object ? JsonNode.Parse(schedule.Inputs.GetRawText()) as JsonObject : null;
        foreach (var claim in plan.Claims)
        {
            var request = new StartExecutionRequest(schedule.TenantId, schedule.WorkflowId, null, inputs?.DeepClone() as JsonObject, schedule.Priority,
                Trigger, null, ExecutionIdFor(schedule.Id, claim.FireAt))
            {
                Fire = new ScheduleFire(schedule.Id, claim.Expected, claim.Next),
            };
            try
            {
                await coordinator.StartAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (FireAlreadyClaimedException)
            {
                // Another scheduler started this fire time (and moved the schedule on) first.
                return;
            }
            catch (ExecutionQuotaExceededException ex)
            {
                // Over the tenant's daily quota: this fire time is skipped, not retried (the admission records why).
                LogOverQuota(schedule.Id, claim.FireAt, ex.Limit);
                if (!await schedules.AdvanceAsync(schedule.Id, claim.Expected, claim.Next, cancellationToken).ConfigureAwait(false)) return;
            }
            catch (Exception ex) when (ex is WorkflowNotFoundException or InputValidationException)
            {
                // This fire time cannot start; move past it rather than retry it forever.
                LogFireFailed(schedule.Id, claim.FireAt, ex.Message);
                if (!await schedules.AdvanceAsync(schedule.Id, claim.Expected, claim.Next, cancellationToken).ConfigureAwait(false)) return;
            }
        }
    }

    private async Task SleepAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        if (wait <= TimeSpan.Zero) return;
        using var timer = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, stoppingToken);
        try
        {
            await _wake.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The timer: a schedule is due.
        }
    }

    private void OnChanged(string what)
    {
        if (what is "schedules" or "reconnect") Wake();
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Firing due schedules failed; trying again later")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} no longer parses and stops firing: {Reason}")]
    private partial void LogUnparsable(Guid scheduleId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} missed {Due}; skipped to {Next} (misfire policy skip)")]
    private partial void LogSkipped(Guid scheduleId, DateTimeOffset due, DateTimeOffset? next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} skipped its run for {FireAt}: the tenant's daily quota of {Limit} executions is used up")]
    private partial void LogOverQuota(Guid scheduleId, DateTimeOffset fireAt, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} could not start its run for {FireAt}: {Reason}")]
    private partial void LogFireFailed(Guid scheduleId, DateTimeOffset fireAt, string reason);
}
