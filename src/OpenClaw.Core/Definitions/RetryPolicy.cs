namespace OpenClaw.Core.Definitions;

/// <summary>How a failed step attempt is retried before <c>on_failure</c> or the failed queue takes over.</summary>
/// <param name="MaxRetries">Retries after the first attempt (the specification's default is 3).</param>
/// <param name="Backoff">How the delay grows between retries.</param>
/// <param name="BaseDelay">The first retry's delay.</param>
/// <param name="MaxDelay">No retry waits longer than this.</param>
/// <param name="Jitter">Spread each delay randomly over [delay/2, delay] so retries of many steps do not align.</param>
public sealed record RetryPolicy(int MaxRetries, BackoffKind Backoff, TimeSpan BaseDelay, TimeSpan MaxDelay, bool Jitter)
{
    /// <summary>3 retries, exponential from 1 s, capped at 5 minutes, no jitter.</summary>
    public static RetryPolicy Default { get; } = new(3, BackoffKind.Exponential, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), false);

    /// <summary>The delay before retry number <paramref name="retry"/> (1 for the first retry).</summary>
    /// <param name="retry">The retry number, from 1.</param>
    /// <param name="random">A sample in [0, 1), used only when <see cref="Jitter"/> is on.</param>
    public TimeSpan DelayBefore(int retry, double random)
    {
        if (retry < 1) throw new ArgumentOutOfRangeException(nameof(retry), retry, "Retries are numbered from 1.");
        double baseMs = BaseDelay.TotalMilliseconds;
        double ms = Backoff switch
        {
            BackoffKind.Fixed => baseMs,
            BackoffKind.Linear => baseMs * retry,
            BackoffKind.Exponential => baseMs * Math.Pow(2, Math.Min(retry - 1, 62)),
            _ => throw new InvalidOperationException($"Unknown backoff {Backoff}."),
        };
        ms = Math.Min(ms, MaxDelay.TotalMilliseconds);
        if (Jitter) ms = ms / 2 + ms / 2 * random;
        return TimeSpan.FromMilliseconds(ms);
    }
}

/// <summary>Backoff shapes.</summary>
public enum BackoffKind
{
    /// <summary>Every retry waits the base delay.</summary>
    Fixed,

    /// <summary>Retry n waits n times the base delay.</summary>
    Linear,

    /// <summary>Retry n waits 2^(n-1) times the base delay.</summary>
    Exponential,
}
