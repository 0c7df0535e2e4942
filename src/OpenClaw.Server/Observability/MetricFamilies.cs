using System.Collections.Concurrent;

namespace OpenClaw.Server.Observability;

/// <summary>The label values of one series; equal when the values are equal in order.</summary>
internal readonly struct LabelValues(string[] values) : IEquatable<LabelValues>
{
    public string[] Values { get; } = values;

    public bool Equals(LabelValues other) => Values.AsSpan().SequenceEqual(other.Values);

    public override bool Equals(object? obj) => obj is LabelValues other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in Values) hash.Add(value, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <summary>Pairs the values with their names for the writer.</summary>
    public (string Name, string Value)[] With(string[] names)
    {
        var pairs = new (string, string)[names.Length];
        for (var i = 0; i < names.Length; i++) pairs[i] = (names[i], Values[i]);
        return pairs;
    }

    /// <summary>Series in a stable order, so a scrape reads the same from one time to the next.</summary>
    public static int Compare(LabelValues a, LabelValues b)
    {
        for (var i = 0; i < Math.Min(a.Values.Length, b.Values.Length); i++)
        {
            var c = string.CompareOrdinal(a.Values[i], b.Values[i]);
            if (c != 0) return c;
        }
        return a.Values.Length.CompareTo(b.Values.Length);
    }
}

/// <summary>A counter family with fixed label names; series appear on first increment.</summary>
internal sealed class CounterFamily(string name, string help, params string[] labelNames)
{
    private readonly ConcurrentDictionary<LabelValues, StrongBox> _series = new();

    public void Increment(params string[] labelValues)
    {
        if (labelValues.Length != labelNames.Length)
            throw new ArgumentException($"{name} takes {labelNames.Length} label values, got {labelValues.Length}.", nameof(labelValues));
        Interlocked.Increment(ref _series.GetOrAdd(new LabelValues(labelValues), _ => new StrongBox()).Value);
    }

    /// <summary>The current value of one series (0 when it has never been incremented).</summary>
    public long Get(params string[] labelValues) => _series.TryGetValue(new LabelValues(labelValues), out var box) ? Interlocked.Read(ref box.Value) : 0;

    public void Write(PrometheusTextWriter writer)
    {
        writer.Family(name, "counter", help);
        foreach (var (labels, box) in _series.OrderBy(s => s.Key, Comparer<LabelValues>.Create(LabelValues.Compare)))
            writer.Sample(name, Interlocked.Read(ref box.Value), labels.With(labelNames));
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}

/// <summary>A histogram family with fixed bucket bounds and label names.</summary>
internal sealed class HistogramFamily(string name, string help, double[] bounds, params string[] labelNames)
{
    private readonly ConcurrentDictionary<LabelValues, Series> _series = new();

    public void Observe(double value, params string[] labelValues)
    {
        if (labelValues.Length != labelNames.Length)
            throw new ArgumentException($"{name} takes {labelNames.Length} label values, got {labelValues.Length}.", nameof(labelValues));
        var series = _series.GetOrAdd(new LabelValues(labelValues), _ => new Series(bounds.Length + 1));
        // The first bound at or above the value; le is inclusive.
        var bucket = 0;
        while (bucket < bounds.Length && value > bounds[bucket]) bucket++;
        lock (series)
        {
            series.Counts[bucket]++;
            series.Sum += value;
        }
    }

    public void Write(PrometheusTextWriter writer)
    {
        writer.Family(name, "histogram", help);
        foreach (var (labels, series) in _series.OrderBy(s => s.Key, Comparer<LabelValues>.Create(LabelValues.Compare)))
        {
            long[] counts;
            double sum;
            lock (series)
            {
                counts = (long[])series.Counts.Clone();
                sum = series.Sum;
            }
            writer.Histogram(name, bounds, counts, sum, labels.With(labelNames));
        }
    }

    private sealed class Series(int buckets)
    {
        public long[] Counts { get; } = new long[buckets];

        public double Sum { get; set; }
    }
}
