namespace OpenClaw.Runtime;

/// <summary>An auto-reset wake-up: any number of <see cref="Set"/> calls wake one pending or future <see cref="WaitAsync"/>.</summary>
public sealed class AsyncSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up covers every reason.
        }
    }

    /// <summary>Waits for a signal or the timeout; returns whether signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
