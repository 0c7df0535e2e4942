using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Notifications;

/// <summary>
/// Sends queued deliveries: claims due ones under a lease (another node takes over a lease that expires), sends each
/// on its rule's channel, and records the outcome. A failed attempt is retried after an exponential backoff with
/// jitter, up to <see cref="NotificationOptions.MaxAttempts"/>; then the delivery is marked <c>failed</c>. Every
/// attempt's error stays in the delivery log.
/// </summary>
internal sealed partial class NotificationDispatcher(
    INotificationStore store, NotificationSender sender, NotificationSignal signal, IOptions<NotificationOptions> options, TimeProvider time,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 20;
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Lock _retryGate = new();
    private DateTimeOffset? _nextRetryAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverDueAsync(stoppingToken).ConfigureAwait(false) == BatchSize)
                {
                    // A full batch: more may be due.
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogDispatchFailed(ex);
            }
            try
            {
                await signal.Deliver.WaitAsync(NextWait(), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Until this node's earliest scheduled retry, at most the safety poll: retries keep their backoff without the
    /// dispatcher polling an idle database (new deliveries wake it through the signal).
    /// </summary>
    private TimeSpan NextWait()
    {
        var poll = options.Value.DeliveryPollInterval;
        lock (_retryGate)
        {
            if (_nextRetryAt is not { } at) return poll;
            var until = at - time.GetUtcNow();
            if (until <= TimeSpan.Zero) _nextRetryAt = null;
            return until <= TimeSpan.Zero ? TimeSpan.Zero : until < poll ? until : poll;
        }
    }

    /// <returns>How many deliveries were claimed.</returns>
    internal async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var due = await store.ClaimDueAsync(_owner, now, now + o.DeliveryLease, BatchSize, ct).ConfigureAwait(false);
        await Task.WhenAll(due.Select(d => DeliverAsync(d, ct))).ConfigureAwait(false);
        return due.Count;
    }

    private async Task DeliverAsync(NotificationDeliveryRecord delivery, CancellationToken ct)
    {
        var o = options.Value;
        string? error;
        try
        {
            error = await sender.SendAsync(delivery, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = $"{ex.GetType().Name}: {ex.Message}";
        }
        var attempts = delivery.Attempts + 1;
        var now = time.GetUtcNow();
        NotificationDeliveryRecord outcome;
        if (error is null)
        {
            outcome = delivery with { Status = "delivered", Attempts = attempts, LastError = null, DeliveredAt = now };
        }
        else if (attempts >= o.MaxAttempts)
        {
            outcome = delivery with { Status = "failed", Attempts = attempts, LastError = Truncate(error) };
            LogGaveUp(delivery.Id, attempts, error);
        }
        else
        {
            var retryAt = now + Backoff(attempts, o);
            outcome = delivery with { Status = "pending", Attempts = attempts, LastError = Truncate(error), NextAttemptAt = retryAt };
            lock (_retryGate)
            {
                if (_nextRetryAt is not { } earliest || retryAt < earliest) _nextRetryAt = retryAt;
            }
        }
        await store.UpdateDeliveryAsync(outcome, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>base × 2^(attempt−1), capped, with ±20% jitter so many failed deliveries do not retry in lockstep.</summary>
    internal static TimeSpan Backoff(int attempt, NotificationOptions o)
    {
        var delay = Math.Min(o.BaseRetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), o.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private static string Truncate(string error) => error.Length <= 2000 ? error : error[..2000];

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering notifications failed; trying again")]
    private partial void LogDispatchFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification delivery {DeliveryId} failed after {Attempts} attempts: {Error}")]
    private partial void LogGaveUp(Guid deliveryId, int attempts, string error);
}
