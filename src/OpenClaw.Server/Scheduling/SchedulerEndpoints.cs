namespace OpenClaw.Server.Scheduling;

/// <summary>The scheduler's part of the API: queues, the failed queue, execution retries and cron schedules.</summary>
internal static class SchedulerEndpoints
{
    public static IEndpointRouteBuilder MapSchedulerEndpoints(this IEndpointRouteBuilder api) =>
        api.MapDeadLetterEndpoints().MapQueueEndpoints().MapExecutionRetryEndpoints().MapScheduleEndpoints();
}
