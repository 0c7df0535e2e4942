namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>Waits for state by asking again until it holds or a deadline passes; never a blind sleep.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <returns>The first value for which <paramref name="until"/> holds.</returns>
    /// <exception cref="TimeoutException">The deadline passed; the message shows the last value seen.</exception>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> until, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var value = await probe();
            if (until(value)) return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what ?? "a condition"}; last value: {value}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }
}
