using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

/// <summary>Retries wait at least their backoff (lower bounds only: a busy machine may always be later).</summary>
public sealed class BackoffTests
{
    [Theory]
    [InlineData("fixed", new[] { 50, 50, 50 })]
    [InlineData("linear", new[] { 50, 100, 150 })]
    [InlineData("exponential", new[] { 50, 100, 200 })]
    public async Task Gaps_between_attempts_follow_the_backoff(string backoff, int[] delays)
    {
        await using var runtime = await RuntimeFixture.StartAsync([new FlakyPlugin()]);
        await runtime.AddWorkflowAsync($$"""
            id: backoff
            name: backoff
            steps:
              - id: call
                type: plugin
                config: { plugin: flaky, inputs: { fail_times: 3 } }
                retry: { max_retries: 3, backoff: {{backoff}}, base_delay: 50ms, max_delay: 10s }
            """);

        var run = await runtime.RunAsync("backoff");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var attempts = run.Attempts.OrderBy(a => a.Attempt).ToList();
        Assert.Equal(4, attempts.Count);
        for (int i = 0; i < 3; i++)
        {
            var gap = attempts[i + 1].StartedAt - attempts[i].FinishedAt;

            // Stored times have millisecond precision: allow for truncation at both ends.
            Assert.True(gap >= TimeSpan.FromMilliseconds(delays[i] - 2), $"retry {i + 1} started {gap.TotalMilliseconds} ms after the failure; backoff is {delays[i]} ms");
        }
    }
}
