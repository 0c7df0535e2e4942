using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Server.Triggers;

/// <summary>
/// Waits for an execution to finish, for sync webhooks. The local <see cref="ExecutionEventHub"/> reports a completion
/// committed by this process at once. An execution finished by another process (PostgreSQL scale-out, where the last
/// step ran on a worker node) is re-read when that process's change notification arrives (relayed by the hub as an
/// <see cref="ExecutionChangedElsewhereEvent"/>), and in any case every <see cref="WebhookOptions.SyncPollInterval"/>, in
/// case a notification was lost.
/// </summary>
internal sealed class ExecutionCompletion(ExecutionEventHub hub, IExecutionStore store, IOptions<WebhookOptions> options)
{
    /// <summary>Subscribe before starting the execution, so its completion cannot slip by between start and wait.</summary>
    public ExecutionEventHub.Subscription Watch(Guid executionId) => hub.Subscribe(executionId, capacity: 64);

    /// <returns>The finished execution, or null when <paramref name="timeout"/> passed first.</returns>
    public async Task<ExecutionRecord?> WaitAsync(ExecutionEventHub.Subscription subscription, Guid executionId, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var poll = options.Value.SyncPollInterval;
        try
        {
            while (true)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                tick.CancelAfter(poll);
                try
                {
                    while (await subscription.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false))
                    {
                        var changedElsewhere = false;
                        while (subscription.Reader.TryRead(out var @event))
                        {
                            if (@event is ExecutionFinishedEvent finished) return finished.Execution;
                            changedElsewhere |= @event is ExecutionChangedElsewhereEvent;
                        }
                        if (changedElsewhere && await FinishedAsync(executionId, deadline.Token).ConfigureAwait(false) is { } row) return row;
                    }
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // The poll interval passed without a local event: look at the row in case another process finished it.
                    if (await FinishedAsync(executionId, deadline.Token).ConfigureAwait(false) is { } row) return row;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<ExecutionRecord?> FinishedAsync(Guid executionId, CancellationToken ct) =>
        await store.LoadAsync(executionId, ct).ConfigureAwait(false) is { Execution: var row } && row.Status.IsTerminal() ? row : null;
}
