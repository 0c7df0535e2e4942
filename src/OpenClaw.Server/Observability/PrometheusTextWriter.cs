using System.Globalization;
using System.Text;

namespace OpenClaw.Server.Observability;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: <c># HELP</c> and <c># TYPE</c> lines, one sample per
/// line, histograms as <c>_bucket{le}</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
/// <remarks>
/// Written by hand on purpose: prometheus-net and OpenTelemetry's Prometheus exporter do not restore in our build
/// environment, and the format is small enough that a tested writer is less risk than a dependency. Escaping follows
/// the format: in HELP text <c>\</c> and line feeds; in label values also <c>"</c>.
/// </remarks>
internal sealed class PrometheusTextWriter
{
    /// <summary>The media type of this format, as <c>/metrics</c> answers it.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(8 * 1024);

    /// <summary>Starts a metric family; its samples follow.</summary>
    /// <param name="type"><c>counter</c>, <c>gauge</c>, <c>histogram</c>, <c>summary</c> or <c>untyped</c>.</param>
    /// <exception cref="ArgumentException">The name is not a valid metric name or the type is unknown.</exception>
    public void Family(string name, string type, string help)
    {
        RequireName(name, metric: true);
        if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
            throw new ArgumentException($"'{type}' is not a Prometheus metric type.", nameof(type));
        _text.Append("# HELP ").Append(name).Append(' ');
        AppendEscaped(help, quotes: false);
        _text.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>One sample: <c>name{labels} value</c>.</summary>
    public void Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        RequireName(name, metric: true);
        _text.Append(name);
        AppendLabels(labels, le: null);
        _text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary>
    /// One histogram series: a cumulative <c>_bucket</c> per upper bound, then <c>le="+Inf"</c> (equal to
    /// <paramref name="count"/>), <c>_sum</c> and <c>_count</c>.
    /// </summary>
    /// <param name="bucketCounts">Observations per bucket, not cumulative: one per bound, plus one for above the last bound.</param>
    public void Histogram(string name, IReadOnlyList<double> bounds, IReadOnlyList<long> bucketCounts, double sum, params (string Name, string Value)[] labels)
    {
        RequireName(name, metric: true);
        if (bucketCounts.Count != bounds.Count + 1)
            throw new ArgumentException($"Expected {bounds.Count + 1} bucket counts (one per bound and +Inf), got {bucketCounts.Count}.", nameof(bucketCounts));
        long cumulative = 0;
        for (var i = 0; i <= bounds.Count; i++)
        {
            cumulative += bucketCounts[i];
            _text.Append(name).Append("_bucket");
            AppendLabels(labels, le: i < bounds.Count ? FormatValue(bounds[i]) : "+Inf");
            _text.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        _text.Append(name).Append("_sum");
        AppendLabels(labels, le: null);
        _text.Append(' ').Append(FormatValue(sum)).Append('\n');
        _text.Append(name).Append("_count");
        AppendLabels(labels, le: null);
        _text.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    public override string ToString() => _text.ToString();

    /// <summary>Go-parsable float text: shortest round-trip form, <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private void AppendLabels((string Name, string Value)[] labels, string? le)
    {
        if (labels.Length == 0 && le is null) return;
        _text.Append('{');
        var first = true;
        foreach (var (name, value) in labels)
        {
            RequireName(name, metric: false);
            if (!first) _text.Append(',');
            first = false;
            _text.Append(name).Append("=\"");
            AppendEscaped(value, quotes: true);
            _text.Append('"');
        }
        if (le is not null)
        {
            if (!first) _text.Append(',');
            _text.Append("le=\"").Append(le).Append('"');
        }
        _text.Append('}');
    }

    private void AppendEscaped(string text, bool quotes)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': _text.Append(@"\\"); break;
                case '\n': _text.Append(@"\n"); break;
                case '"' when quotes: _text.Append("\\\""); break;
                default: _text.Append(c); break;
            }
        }
    }

    /// <summary>Metric names <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>; label names the same without colons and not <c>__</c>-prefixed.</summary>
    private static void RequireName(string name, bool metric)
    {
        var valid = name.Length > 0 && !char.IsAsciiDigit(name[0]) && (metric || !name.StartsWith("__", StringComparison.Ordinal));
        foreach (var c in name)
            valid &= char.IsAsciiLetterOrDigit(c) || c == '_' || (metric && c == ':');
        if (!valid)
            throw new ArgumentException($"'{name}' is not a valid Prometheus {(metric ? "metric" : "label")} name.", nameof(name));
    }
}
