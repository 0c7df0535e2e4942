using System.Diagnostics;
using System.Globalization;

namespace OpenClaw.Bench;

/// <summary>Durations in <see cref="Stopwatch"/> ticks; one writer at a time (merge per-thread instances with <see cref="AddRange"/>).</summary>
internal sealed class Samples
{
    private long[] _ticks;
    private int _count;

    public Samples(int capacity = 1024) => _ticks = new long[Math.Max(16, capacity)];

    public int Count => _count;

    public void Add(long ticks)
    {
        if (_count == _ticks.Length) Array.Resize(ref _ticks, _ticks.Length * 2);
        _ticks[_count++] = ticks;
    }

    public void AddRange(Samples other)
    {
        for (int i = 0; i < other._count; i++) Add(other._ticks[i]);
    }

    /// <summary>Percentiles by the nearest-rank method, in microseconds.</summary>
    public Summary Summarize(double divisor = 1)
    {
        if (_count == 0) return new Summary(0, 0, 0, 0, 0, 0);
        var sorted = _ticks.AsSpan(0, _count).ToArray();
        Array.Sort(sorted);
        double Us(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency / divisor;
        long At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        double mean = 0;
        foreach (var t in sorted) mean += t;
        return new Summary(_count, Us(At(0.50)), Us(At(0.90)), Us(At(0.99)), Us(sorted[^1]), Us((long)(mean / sorted.Length)));
    }
}

/// <summary>Percentiles in microseconds.</summary>
internal readonly record struct Summary(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count}  p50={Format(P50)}  p90={Format(P90)}  p99={Format(P99)}  max={Format(Max)}  mean={Format(Mean)}");

    /// <summary>µs below 10 ms, ms above, with sensible precision.</summary>
    public static string Format(double us) => us switch
    {
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{us:0.00} µs"),
        < 10_000 => string.Create(CultureInfo.InvariantCulture, $"{us:0.0} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{us / 1000:0.0} ms"),
    };
}
