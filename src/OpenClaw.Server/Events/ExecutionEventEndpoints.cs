using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using OpenClaw.Server.Api;
using OpenClaw.Server.Observability;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Events;

/// <summary>
/// Live execution updates as server-sent events: one execution's steps and status
/// (<c>GET /executions/{id}/events</c>), and the tenant's execution status changes (<c>GET /executions/events</c>).
/// </summary>
/// <remarks>
/// Both streams subscribe to <see cref="ExecutionEventHub"/> before reading the first snapshot, so nothing committed in
/// between is missed, and treat every event as "look again": they reload the rows and send what differs from what the
/// client already has. That makes changes committed by other processes (relayed from PostgreSQL's NOTIFY with only the
/// execution id) and local ones the same, and a slow client that lost events to the hub's bounded queue still
/// converges. Event ids increase within a stream and continue from <c>Last-Event-ID</c> after a reconnect; a
/// reconnecting client is sent a fresh snapshot (the cheap way to make sure it misses nothing).
/// </remarks>
internal static class ExecutionEventEndpoints
{
    public static IEndpointRouteBuilder MapExecutionEventEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/executions").WithTags("Executions");
        group.MapGet("/{id:guid}/events", StreamExecution).RequirePermission(Permissions.ExecutionsRead)
            .WithSummary("Streams one execution's step and status changes (server-sent events)")
            .WithDescription("Starts with a `snapshot` event (the execution with its steps), then sends `step` events for each step " +
                "that changed and `execution` events for status changes; ends after the terminal `execution` event. " +
                "Heartbeat comments keep an idle stream open.")
            .Produces<string>(StatusCodes.Status200OK, ServerSentEventWriter.ContentType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/events", StreamTenant).RequirePermission(Permissions.ExecutionsRead)
            .WithSummary("Streams the tenant's execution status changes (server-sent events)")
            .WithDescription("Starts with a `snapshot` event listing unfinished executions, then sends an `execution` event whenever " +
                "an execution starts or changes status. Optional `workflow_id` filter.")
            .Produces<string>(StatusCodes.Status200OK, ServerSentEventWriter.ContentType);
        return api;
    }

    private static async Task<IResult> StreamExecution(
        Guid id, HttpRequest request, Caller caller, IExecutionQueries queries, ExecutionEventHub hub, IOptions<ExecutionEventsOptions> options,
        CancellationToken ct)
    {
        var subscription = hub.Subscribe(id);
        ExecutionDetail? detail;
        try
        {
            detail = await queries.GetAsync(caller.TenantId, id, ct);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
        if (detail is null)
        {
            subscription.Dispose();
            return Problems.NotFound($"Execution {id} does not exist.");
        }

        var heartbeat = options.Value.HeartbeatInterval;
        var sequence = LastEventId(request);
        return new EventStreamResult(async (writer, token) =>
        {
            using (subscription)
            {
                var sent = new Dictionary<string, StepState>(StringComparer.Ordinal);
                await writer.WriteEventAsync("snapshot", ++sequence, ExecutionResponse.From(detail), token);
                foreach (var step in detail.Steps) sent[step.StepKey] = StepState.Of(step);
                var status = detail.Execution.Status;
                while (!status.IsTerminal())
                {
                    if (await NextEventsAsync(subscription, writer, heartbeat, token) is null) return;
                    detail = await queries.GetAsync(caller.TenantId, id, token);
                    if (detail is null) return;
                    var attempts = detail.Attempts.ToLookup(a => a.TaskId);
                    foreach (var step in detail.Steps.OrderBy(s => s.StartedAt ?? s.CreatedAt).ThenBy(s => s.StepKey, StringComparer.Ordinal))
                    {
                        var state = StepState.Of(step);
                        if (sent.TryGetValue(step.StepKey, out var before) && before == state) continue;
                        sent[step.StepKey] = state;
                        await writer.WriteEventAsync("step", ++sequence, StepResponse.From(step, attempts[step.Id]), token);
                    }
                    if (detail.Execution.Status != status)
                    {
                        status = detail.Execution.Status;
                        await writer.WriteEventAsync("execution", ++sequence, ExecutionResponse.From(detail.Execution), token);
                    }
                }
            }
        });
    }

    private static async Task<IResult> StreamTenant(
        [FromQuery(Name = "workflow_id")] string? workflowId, HttpRequest request, Caller caller, IExecutionQueries queries,
        ExecutionEventHub hub, IOptions<ExecutionEventsOptions> options, CancellationToken ct)
    {
        var subscription = hub.Subscribe();
        var unfinished = new List<ExecutionRecord>();
        try
        {
            foreach (var status in (ExecutionStatus[])[ExecutionStatus.Running, ExecutionStatus.Pending])
            {
                var page = await queries.ListAsync(new ExecutionQuery(caller.TenantId, workflowId, status, Limit: options.Value.SnapshotLimit), ct);
                unfinished.AddRange(page.Items);
            }
        }
        catch
        {
            subscription.Dispose();
            throw;
        }

        var heartbeat = options.Value.HeartbeatInterval;
        var sequence = LastEventId(request);
        return new EventStreamResult(async (writer, token) =>
        {
            using (subscription)
            {
                // The last status sent per unfinished execution; finished ones move to `finished` once reported.
                var sent = unfinished.ToDictionary(e => e.Id, e => e.Status);
                var finished = new RecentSet<Guid>(4096);
                await writer.WriteEventAsync("snapshot", ++sequence,
                    new ExecutionsSnapshot(unfinished.Select(e => ExecutionResponse.From(e)).ToList()), token);

                async Task ReportAsync(ExecutionRecord execution)
                {
                    if (execution.TenantId != caller.TenantId || (workflowId is not null && execution.WorkflowId != workflowId)) return;
                    if (execution.Status.IsTerminal())
                    {
                        // Reported once, whether seen first locally or relayed from another node.
                        if (!finished.Add(execution.Id)) return;
                        sent.Remove(execution.Id);
                    }
                    else
                    {
                        // A reload racing a newer local event must not take the status back.
                        if (finished.Contains(execution.Id) || (sent.TryGetValue(execution.Id, out var before) && before == execution.Status)) return;
                        sent[execution.Id] = execution.Status;
                    }
                    await writer.WriteEventAsync("execution", ++sequence, ExecutionResponse.From(execution), token);
                }

                while (await NextEventsAsync(subscription, writer, heartbeat, token) is { } events)
                {
                    var reload = new HashSet<Guid>();
                    foreach (var @event in events)
                    {
                        switch (@event)
                        {
                            case ExecutionUpdatedEvent updated:
                                await ReportAsync(updated.Execution);
                                break;
                            case ExecutionChangedElsewhereEvent { ExecutionId: var changed }:
                                // Empty: notifications may have been missed; look again at what the client holds as unfinished.
                                if (changed == Guid.Empty) reload.UnionWith(sent.Keys);
                                else reload.Add(changed);
                                break;
                        }
                    }
                    foreach (var changed in reload)
                    {
                        // Null for another tenant's execution: scoped by the query itself.
                        if (await queries.GetAsync(caller.TenantId, changed, token) is { } detail) await ReportAsync(detail.Execution);
                    }
                }
            }
        });
    }

    /// <summary>
    /// Waits for the next events, sending a heartbeat comment each <paramref name="heartbeat"/> of silence, and returns
    /// every event already queued (they are handled as one change); null when the subscription ended.
    /// </summary>
    private static async Task<List<ExecutionEvent>?> NextEventsAsync(
        ExecutionEventHub.Subscription subscription, ServerSentEventWriter writer, TimeSpan heartbeat, CancellationToken token)
    {
        while (true)
        {
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                quiet.CancelAfter(heartbeat);
                try
                {
                    if (!await subscription.Reader.WaitToReadAsync(quiet.Token)) return null;
                    var events = new List<ExecutionEvent>();
                    while (subscription.Reader.TryRead(out var @event)) events.Add(@event);
                    return events;
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                }
            }
            await writer.WriteCommentAsync("heartbeat", token);
        }
    }

    /// <summary>Event ids continue from the client's <c>Last-Event-ID</c> after a reconnect, so they only ever grow.</summary>
    private static long LastEventId(HttpRequest request) =>
        long.TryParse(request.Headers["Last-Event-ID"].ToString(), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0;

    /// <summary>What of a step the client has seen: a change in any of these is sent as a <c>step</c> event.</summary>
    private readonly record struct StepState(StepRunStatus Status, int Attempt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, DateTimeOffset RunAt)
    {
        public static StepState Of(StepRunRecord step) => new(step.Status, step.Attempt, step.StartedAt, step.CompletedAt, step.RunAt);
    }
}

/// <summary>The first event of the tenant stream: the executions not yet finished.</summary>
internal sealed record ExecutionsSnapshot(IReadOnlyList<ExecutionResponse> Executions);
