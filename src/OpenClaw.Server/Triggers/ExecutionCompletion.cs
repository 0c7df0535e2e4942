using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Server.Triggers;

/// <summary>
/// Waits for an execution to finish, for sync webhooks. The local <see cref="ExecutionEventHub"/> reports a completion
/// committed by this process at once; an execution finished by another process (PostgreSQL scale-out, where the last
/// step ran on a worker node) is found by re-reading its row every <see cref="WebhookOptions.SyncPollInterval"/>.
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
                        while (subscription.Reader.TryRead(out var @event))
                        {
                            if (@event is ExecutionFinishedEvent finished) return finished.Execution;
                        }
                    }
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // The poll interval passed without a local event: look at the row in case another process finished it.
                    var snapshot = await store.LoadAsync(executionId, deadline.Token).ConfigureAwait(false);
                    if (snapshot is { Execution: var row } && row.Status.IsTerminal()) return row;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
