using OpenClaw.Server.Observability;

namespace OpenClaw.Server.Tests.Observability;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Family_WritesHelpAndType_EscapingBackslashAndNewlineInHelp()
    {
        var writer = new PrometheusTextWriter();

        writer.Family("jobs_total", "counter", "Jobs done\nper C:\\queue \"main\".");

        Assert.Equal("# HELP jobs_total Jobs done\\nper C:\\\\queue \"main\".\n# TYPE jobs_total counter\n", writer.ToString());
    }

    [Fact]
    public void Sample_EscapesLabelValues_BackslashQuoteAndNewline()
    {
        var writer = new PrometheusTextWriter();

        writer.Sample("jobs_total", 3, ("workflow", "a\\b\"c\nd"), ("status", "ok"));

        Assert.Equal("jobs_total{workflow=\"a\\\\b\\\"c\\nd\",status=\"ok\"} 3\n", writer.ToString());
    }

    [Fact]
    public void Sample_WithoutLabels_HasNoBraces()
    {
        var writer = new PrometheusTextWriter();

        writer.Sample("up", 1);

        Assert.Equal("up 1\n", writer.ToString());
    }

    [Theory]
    [InlineData(0.25, "0.25")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(12345678901234.0, "12345678901234")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void FormatValue_IsInvariantAndParsableByPrometheus(double value, string expected)
    {
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));
    }

    [Fact]
    public void Histogram_WritesCumulativeBucketsThenInfSumAndCount()
    {
        var writer = new PrometheusTextWriter();

        writer.Histogram("latency_seconds", [0.1, 1], [2, 0, 1], 5.5, ("route", "/x"));

        Assert.Equal(
            """
            latency_seconds_bucket{route="/x",le="0.1"} 2
            latency_seconds_bucket{route="/x",le="1"} 2
            latency_seconds_bucket{route="/x",le="+Inf"} 3
            latency_seconds_sum{route="/x"} 5.5
            latency_seconds_count{route="/x"} 3

            """.ReplaceLineEndings("\n"),
            writer.ToString());
    }

    [Fact]
    public void Histogram_WithoutLabels_PutsOnlyLeInBraces()
    {
        var writer = new PrometheusTextWriter();

        writer.Histogram("h", [1], [0, 0], 0);

        Assert.StartsWith("h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n", writer.ToString());
    }

    [Fact]
    public void Histogram_WrongNumberOfBucketCounts_Throws()
    {
        var writer = new PrometheusTextWriter();

        Assert.Throws<ArgumentException>(() => writer.Histogram("h", [1, 2], [1, 1], 0));
    }

    [Theory]
    [InlineData("9lives")]
    [InlineData("has-dash")]
    [InlineData("")]
    public void InvalidMetricName_Throws(string name)
    {
        var writer = new PrometheusTextWriter();

        Assert.Throws<ArgumentException>(() => writer.Sample(name, 1));
    }

    [Theory]
    [InlineData("__reserved")]
    [InlineData("a:b")]
    public void InvalidLabelName_Throws(string name)
    {
        var writer = new PrometheusTextWriter();

        Assert.Throws<ArgumentException>(() => writer.Sample("ok", 1, (name, "v")));
    }

    [Fact]
    public void UnknownType_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PrometheusTextWriter().Family("x", "meter", "help"));
    }

    [Fact]
    public void HistogramFamily_PutsAnObservationOnABoundIntoThatBucket()
    {
        var family = new HistogramFamily("h_seconds", "help", [1, 2], "k");
        family.Observe(1, "a");
        family.Observe(1.5, "a");
        family.Observe(7, "a");
        var writer = new PrometheusTextWriter();

        family.Write(writer);

        var text = writer.ToString();
        Assert.Contains("h_seconds_bucket{k=\"a\",le=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("h_seconds_bucket{k=\"a\",le=\"2\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("h_seconds_bucket{k=\"a\",le=\"+Inf\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("h_seconds_sum{k=\"a\"} 9.5\n", text, StringComparison.Ordinal);
        Assert.Contains("h_seconds_count{k=\"a\"} 3\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CounterFamily_WritesSeriesInStableOrder()
    {
        var family = new CounterFamily("c_total", "help", "k");
        family.Increment("b");
        family.Increment("a");
        family.Increment("b");
        var writer = new PrometheusTextWriter();

        family.Write(writer);

        Assert.EndsWith("c_total{k=\"a\"} 1\nc_total{k=\"b\"} 2\n", writer.ToString());
    }
}
