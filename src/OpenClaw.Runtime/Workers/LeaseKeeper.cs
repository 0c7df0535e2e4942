using Microsoft.Extensions.Logging;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Workers;

/// <summary>
/// Heartbeats: renews the leases of tasks running here, and stops any whose lease was lost (another node reclaimed
/// it after a long pause here), since their result would be discarded anyway.
/// </summary>
public sealed partial class LeaseKeeper(IExecutionStore store, WorkerPool pool, RuntimeOptions options, TimeProvider time, ILogger<LeaseKeeper> logger)
{
    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.LeaseRenewInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var running = pool.HeldTaskIds.ToArray();
            if (running.Length == 0) continue;
            try
            {
                var lost = await store.RenewLeasesAsync(options.NodeId, running, time.GetUtcNow() + options.LeaseDuration, stoppingToken).ConfigureAwait(false);
                foreach (var id in lost)
                {
                    pool.Cancel(id);
                    pool.LetGo(id);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(ex, running.Length);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing {Count} leases failed; will retry")]
    private partial void LogRenewFailed(Exception exception, int count);
}
