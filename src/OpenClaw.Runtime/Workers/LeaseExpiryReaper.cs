using Microsoft.Extensions.Logging;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Workers;

/// <summary>Returns tasks whose worker died (their lease expired) to the queue.</summary>
public sealed partial class LeaseExpiryReaper(IExecutionStore store, TaskDispatcher dispatcher, RuntimeOptions options, LeaseStatistics statistics, TimeProvider time, ILogger<LeaseExpiryReaper> logger)
{
    /// <summary>Runs once at start: with <see cref="RuntimeOptions.ReleaseAllLeasesOnStart"/>, every running task is requeued.</summary>
    internal async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        int requeued = options.ReleaseAllLeasesOnStart
            ? await store.ReleaseAllLeasesAsync(now, cancellationToken).ConfigureAwait(false)
            : await store.RequeueExpiredAsync(now, null, cancellationToken).ConfigureAwait(false);
        if (requeued > 0) LogRecovered(requeued);
        if (!options.ReleaseAllLeasesOnStart) statistics.AddExpired(requeued);
    }

    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ReaperInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                int requeued = await store.RequeueExpiredAsync(time.GetUtcNow(), null, stoppingToken).ConfigureAwait(false);
                if (requeued > 0)
                {
                    LogRequeued(requeued);
                    statistics.AddExpired(requeued);
                    dispatcher.NotifyQueued(time.GetUtcNow());
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReapFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered {Count} interrupted steps from a previous run")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Requeued {Count} steps whose worker stopped heartbeating")]
    private partial void LogRequeued(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for expired leases failed; will retry")]
    private partial void LogReapFailed(Exception exception);
}
