using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

/// <summary>A failed attempt is queued again at now + backoff until the retries run out.</summary>
public sealed class RetrySchedulingTests
{
    private static EngineHarness Start(string retry) => new EngineHarness($$"""
        id: retrying
        name: retrying
        steps:
          - id: call
            type: plugin
            config: { plugin: noop }
            retry: {{retry}}
        """).Start();

    [Theory]
    [InlineData("fixed", 10, 10, 10)]
    [InlineData("linear", 10, 20, 30)]
    [InlineData("exponential", 10, 20, 40)]
    public void Each_retry_is_queued_at_now_plus_its_backoff(string backoff, int first, int second, int third)
    {
        var h = Start($"{{ max_retries: 3, backoff: {backoff}, base_delay: 10s, max_delay: 1h }}");
        int[] expected = [first, second, third];

        for (int retry = 1; retry <= 3; retry++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            var failedAt = h.Time.GetUtcNow();
            h.Fail("call", $"failure {retry}");

            var run = h.Run("call");
            Assert.Equal(StepRunStatus.Queued, run.Status);
            Assert.Equal(retry + 1, run.Attempt);
            Assert.Equal(failedAt + TimeSpan.FromSeconds(expected[retry - 1]), run.RunAt);
            Assert.Equal($"failure {retry}", run.Error);
            Assert.Same(run, Assert.Single(h.Effects.Dispatch));
        }

        var row = h.Rows.Single(r => r.StepKey == "call");
        Assert.Equal(4, row.Attempt);
        Assert.Equal([1, 2, 3], h.Attempts.Select(a => a.Attempt));
        Assert.All(h.Attempts, a => Assert.Equal(StepRunStatus.Failed, a.Status));
    }

    [Fact]
    public void Delay_is_capped_by_max_delay()
    {
        var h = Start("{ max_retries: 5, backoff: exponential, base_delay: 10s, max_delay: 25s }");
        h.Fail("call").Fail("call");
        var now = h.Time.GetUtcNow();

        h.Fail("call");

        Assert.Equal(now + TimeSpan.FromSeconds(25), h.Run("call").RunAt);
    }

    [Fact]
    public void Jitter_keeps_each_delay_between_half_and_the_full_backoff()
    {
        var h = Start("{ max_retries: 1, backoff: fixed, base_delay: 10s, jitter: true }");
        var now = h.Time.GetUtcNow();

        h.Fail("call");

        var delay = h.Run("call").RunAt - now;
        Assert.InRange(delay, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Exhausted_retries_fail_the_step_and_say_how_many_attempts_were_made()
    {
        var h = Start("{ max_retries: 2, backoff: fixed, base_delay: 1s }");

        h.Fail("call", "nope").Fail("call", "nope").Fail("call", "still nope");

        Assert.Equal(StepRunStatus.Failed, h.Status("call"));
        Assert.Equal("still nope (after 3 attempts)", h.Run("call").Error);
        Assert.Equal(ExecutionStatus.Failed, h.State.Status);
        Assert.Equal("step 'call' failed: still nope (after 3 attempts)", h.State.Error);
        Assert.Equal(3, h.Attempts.Count);
    }

    [Fact]
    public void Non_retryable_failure_skips_the_remaining_retries()
    {
        var h = Start("{ max_retries: 5, backoff: fixed, base_delay: 1s }");

        h.Fail("call", "bad request", retryable: false);

        Assert.Equal(StepRunStatus.Failed, h.Status("call"));
        Assert.Equal("bad request", h.Run("call").Error);
        Assert.Equal(1, h.Run("call").Attempt);
        Assert.Empty(h.Effects.Dispatch);
    }

    [Fact]
    public void Success_after_retries_records_every_attempt_and_keeps_the_idempotency_key()
    {
        var h = Start("{ max_retries: 2, backoff: fixed, base_delay: 1s }");
        string key = h.Run("call").IdempotencyKey;

        h.Fail("call").Fail("call").Succeed("call", new { ok = true });

        Assert.Equal(StepRunStatus.Succeeded, h.Status("call"));
        Assert.Equal(key, h.Rows.Single().IdempotencyKey);
        Assert.Equal([StepRunStatus.Failed, StepRunStatus.Failed, StepRunStatus.Succeeded], h.Attempts.Select(a => a.Status));
        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
    }
}
