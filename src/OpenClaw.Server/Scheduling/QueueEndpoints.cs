using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Scheduling;
using OpenClaw.Runtime.Workers;
using OpenClaw.Server.Api;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Scheduling;

/// <summary>Named queues: list with depth and pause state, statistics, pause and resume.</summary>
internal static partial class QueueEndpoints
{
    public static IEndpointRouteBuilder MapQueueEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/queues").WithTags("Queues");
        group.MapGet("/", ListAsync).RequirePermission(Permissions.QueuesRead);
        group.MapGet("/stats", StatsAsync).RequirePermission(Permissions.QueuesRead);
        group.MapPost("/{name}/pause", (string name, Caller caller, IQueueStore queues, QueuePauseSync sync, TaskDispatcher dispatcher, AuditContext audit, TimeProvider time, CancellationToken ct)
            => SetPausedAsync(name, true, caller, queues, sync, dispatcher, audit, time, ct)).RequirePermission(Permissions.QueuesManage);
        group.MapPost("/{name}/resume", (string name, Caller caller, IQueueStore queues, QueuePauseSync sync, TaskDispatcher dispatcher, AuditContext audit, TimeProvider time, CancellationToken ct)
            => SetPausedAsync(name, false, caller, queues, sync, dispatcher, audit, time, ct)).RequirePermission(Permissions.QueuesManage);
        return api;
    }

    private static async Task<Ok<PageResponse<QueueResponse>>> ListAsync(Caller caller, IQueueStore queues, TimeProvider time, CancellationToken ct)
    {
        var list = await queues.ListQueuesAsync(caller.TenantId, time.GetUtcNow(), ct);
        return TypedResults.Ok(new PageResponse<QueueResponse>([.. list.Select(QueueResponse.From)], null));
    }

    private static async Task<Ok<QueueStatsResponse>> StatsAsync(Caller caller, IQueueStore queues, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(QueueStatsResponse.From(await queues.GetStatisticsAsync(caller.TenantId, time.GetUtcNow(), ct)));

    private static async Task<Results<Ok<QueueResponse>, ValidationProblem>> SetPausedAsync(
        string name, bool paused, Caller caller, IQueueStore queues, QueuePauseSync sync, TaskDispatcher dispatcher, AuditContext audit, TimeProvider time,
        CancellationToken ct)
    {
        if (!QueueName().IsMatch(name))
            return Problems.Invalid("name", $"'{name}' is not a queue name: use lowercase letters, digits, '_' and '-', starting with a letter or digit.");
        var now = time.GetUtcNow();
        bool changed = await queues.SetPausedAsync(caller.TenantId, name, paused, now, ct);
        // This process sees its own change at once; others reload on the notification (PostgreSQL).
        await sync.ReloadAsync(ct);
        if (!paused) dispatcher.NotifyQueued(now);
        if (changed) audit.Describe("queue", name, paused ? "pause" : "resume");
        var summary = (await queues.ListQueuesAsync(caller.TenantId, now, ct)).FirstOrDefault(q => q.Name == name)
            ?? new QueueSummary(name, false, null, new Dictionary<TaskPriority, long>(), 0, 0);
        return TypedResults.Ok(QueueResponse.From(summary));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,99}$")]
    private static partial Regex QueueName();
}
