using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Tests.Definitions;

public class RetryPolicyTests
{
    private static RetryPolicy Policy(BackoffKind backoff, bool jitter = false) =>
        new(10, backoff, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), jitter);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(7, 1)]
    public void DelayBefore_Fixed_IsAlwaysTheBaseDelay(int retry, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Policy(BackoffKind.Fixed).DelayBefore(retry, 0.5));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 5)]
    [InlineData(11, 10)]
    public void DelayBefore_Linear_GrowsByTheBaseDelayUpToTheCap(int retry, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Policy(BackoffKind.Linear).DelayBefore(retry, 0.5));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 10)]
    [InlineData(1000, 10)]
    public void DelayBefore_Exponential_DoublesUpToTheCap(int retry, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Policy(BackoffKind.Exponential).DelayBefore(retry, 0.5));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(50)]
    public void DelayBefore_Jitter_StaysWithinHalfToFullDelay(int retry)
    {
        var plain = Policy(BackoffKind.Exponential).DelayBefore(retry, 0);
        var jittered = Policy(BackoffKind.Exponential, jitter: true);
        Assert.Equal(plain / 2, jittered.DelayBefore(retry, 0));
        var nearTop = jittered.DelayBefore(retry, 0.999999);
        Assert.True(nearTop > plain / 2 && nearTop <= plain, $"{nearTop} not in ({plain / 2}, {plain}]");
        foreach (double sample in new[] { 0.1, 0.5, 0.9 })
        {
            var delay = jittered.DelayBefore(retry, sample);
            Assert.InRange(delay, plain / 2, plain);
        }
    }

    [Fact]
    public void DelayBefore_RetryZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.Default.DelayBefore(0, 0));

    [Fact]
    public void Parse_NoRetry_UsesTheDefaultPolicy()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: r
            name: R
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """);
        Assert.Equal(RetryPolicy.Default, definition.Steps[0].Retry);
    }

    [Fact]
    public void Parse_PartialRetry_FillsTheRestFromTheDefault()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: r
            name: R
            steps:
              - id: a
                type: plugin
                config: { plugin: noop }
                retry: { max_retries: 5, backoff: linear, jitter: true }
            """);
        Assert.Equal(RetryPolicy.Default with { MaxRetries = 5, Backoff = BackoffKind.Linear, Jitter = true }, definition.Steps[0].Retry);
    }

    [Fact]
    public void Parse_FullRetry_ReadsEveryField()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: r
            name: R
            steps:
              - id: a
                type: plugin
                config: { plugin: noop }
                retry: { max_retries: 0, backoff: fixed, base_delay: 250ms, max_delay: PT1M, jitter: false }
            """);
        Assert.Equal(new RetryPolicy(0, BackoffKind.Fixed, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), false), definition.Steps[0].Retry);
    }

    [Fact]
    public void Parse_BadRetry_ReportsEachField()
    {
        var result = WorkflowDefinitionParser.Parse("""
            id: r
            name: R
            steps:
              - id: a
                type: plugin
                config: { plugin: noop }
                retry: { max_retries: -1, backoff: quadratic, base_delay: soon, jitter: "yes", retries: 3 }
            """, DefinitionFormat.Yaml);
        string[] expected = ["$.steps[0].retry.backoff", "$.steps[0].retry.base_delay", "$.steps[0].retry.jitter", "$.steps[0].retry.max_retries", "$.steps[0].retry.retries"];
        Assert.Equal(expected, result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains("fixed, linear, exponential", result.Errors.Single(e => e.Path.EndsWith("backoff", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MaxDelayBelowBaseDelay_IsAnError()
    {
        var result = WorkflowDefinitionParser.Parse("""
            id: r
            name: R
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, retry: { base_delay: 10s, max_delay: 5s } }
            """, DefinitionFormat.Yaml);
        Assert.Equal("$.steps[0].retry.max_delay", Assert.Single(result.Errors).Path);
    }
}
