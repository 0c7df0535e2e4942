using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Tests.Definitions;

public class DurationParserTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1m 30s", 90_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("30", 30_000)]
    [InlineData("0.25", 250)]
    [InlineData("0s", 0)]
    [InlineData("PT5M", 300_000)]
    [InlineData("PT0.5S", 500)]
    [InlineData("P1DT2H", 93_600_000)]
    [InlineData("P1W", 604_800_000)]
    [InlineData(" 10S ", 10_000)]
    public void TryParse_ValidText_GivesDuration(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("5 minutes")]
    [InlineData("5x")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("1..5s")]
    public void TryParse_InvalidText_ExplainsWhy(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Theory]
    [InlineData("P1Y")]
    [InlineData("P2M")]
    public void TryParse_CalendarUnits_AreRejectedAsAmbiguous(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _, out var error));
        Assert.Contains("no fixed length", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_HugeValue_IsTooLongNotAnOverflow()
    {
        Assert.False(DurationParser.TryParse("99999999999999999999d", out _, out var error));
        Assert.Contains("too long", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidText_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => DurationParser.Parse("later"));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(250, "250ms")]
    [InlineData(30_000, "30s")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(90_061_001, "1d1h1m1s1ms")]
    public void Format_GivesShortestUnitForm(long milliseconds, string expected) =>
        Assert.Equal(expected, DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(1)]
    [InlineData(12_345)]
    [InlineData(864_000_000_001)]
    public void Format_ThenParse_RoundTripsExactly(long ticks)
    {
        var value = TimeSpan.FromTicks(ticks);
        Assert.Equal(value, DurationParser.Parse(DurationParser.Format(value)));
    }

    [Theory]
    [InlineData("timeout: 30", 30_000)]
    [InlineData("timeout: 0.5", 500)]
    [InlineData("timeout: 30s", 30_000)]
    [InlineData("timeout: PT2M", 120_000)]
    [InlineData("", 300_000)]
    public void StepTimeout_AcceptsSecondsUnitsAndIso(string line, long milliseconds)
    {
        var definition = DefinitionFixtures.ParseYaml($"""
            id: t
            name: T
            steps:
              - id: a
                type: delay
                config: {"{"} duration: 1s {"}"}
                {line}
            """);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), definition.Steps[0].Timeout);
    }

    [Theory]
    [InlineData("timeout: 0")]
    [InlineData("timeout: 0s")]
    [InlineData("timeout: -1")]
    [InlineData("timeout: soon")]
    [InlineData("timeout: true")]
    public void StepTimeout_ZeroNegativeOrGarbage_IsAnError(string line)
    {
        var result = WorkflowDefinitionParser.Parse($"""
            id: t
            name: T
            steps:
              - id: a
                type: delay
                config: {"{"} duration: 1s {"}"}
                {line}
            """, DefinitionFormat.Yaml);
        var error = Assert.Single(result.Errors);
        Assert.Equal("$.steps[0].timeout", error.Path);
        Assert.Null(result.Definition);
    }
}
