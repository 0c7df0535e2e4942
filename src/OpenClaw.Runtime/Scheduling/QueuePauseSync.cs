using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Scheduling;

/// <summary>
/// Keeps <see cref="QueuePauseState"/> in step with the database: loads it before the runtime starts, and reloads it
/// whenever another process announces a pause or resume (or the notification connection was re-established).
/// </summary>
public sealed partial class QueuePauseSync(
    IQueueStore queues, QueuePauseState state, IEnumerable<ISchedulerSignal> signals, ILogger<QueuePauseSync> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
        foreach (var signal in signals) signal.Changed += OnChanged;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in signals) signal.Changed -= OnChanged;
        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Reads the paused queues into <see cref="QueuePauseState"/>.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken) =>
        state.Replace(await queues.ListPausedAsync(cancellationToken).ConfigureAwait(false));

    private void OnChanged(string what)
    {
        if (what is not ("queues" or "reconnect")) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await ReloadAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReloadFailed(ex);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the paused queues failed; the claim still honours every pause")]
    private partial void LogReloadFailed(Exception exception);
}
