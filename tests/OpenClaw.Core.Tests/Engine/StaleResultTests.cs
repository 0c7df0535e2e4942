using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

/// <summary>Results that arrive late (an expired lease, an older attempt, a cancelled scope) must not be applied.</summary>
public sealed class StaleResultTests
{
    private const string Single = """
        id: single
        name: single
        steps:
          - id: call
            type: plugin
            config: { plugin: noop }
            retry: { max_retries: 2, backoff: fixed, base_delay: 1s }
            next_steps: [after]
          - { id: after, type: plugin, config: { plugin: noop } }
        """;

    [Fact]
    public void Result_of_an_older_attempt_is_ignored()
    {
        var h = new EngineHarness(Single).Start().Fail("call");
        Assert.Equal(2, h.Run("call").Attempt);

        h.Succeed("call", new { late = true }, attempt: 1);

        Assert.Equal(StepRunStatus.Queued, h.Status("call"));
        Assert.False(h.State.TryGetRun("after", out _));
        Assert.Single(h.Attempts);
        Assert.False(h.State.HasChanges);
    }

    [Fact]
    public void Second_result_for_a_settled_step_is_ignored()
    {
        var h = new EngineHarness(Single).Start().Succeed("call", new { n = 1 });
        long revision = h.Execution!.Revision;

        h.Succeed("call", new { n = 2 }).Fail("call");

        Assert.Equal(1, h.Run("call").Output!.Value.GetProperty("n").GetInt32());
        Assert.Single(h.Attempts);
        Assert.Equal(revision, h.Execution.Revision);
        Assert.Equal(["after"], h.Queued());
    }

    [Fact]
    public void Results_after_the_execution_finished_are_ignored()
    {
        var h = new EngineHarness(Single).Start().Cancel();

        h.Succeed("call");

        Assert.Equal(ExecutionStatus.Cancelled, h.State.Status);
        Assert.Equal(StepRunStatus.Cancelled, h.Status("call"));
        Assert.Null(h.Effects.Completed);
    }

    [Fact]
    public void Result_for_an_unknown_step_is_ignored()
    {
        var h = new EngineHarness(Single).Start();

        h.Succeed("nosuch", attempt: 1);

        Assert.False(h.State.HasChanges);
        Assert.Equal(["call"], h.Queued());
    }

    [Fact]
    public void Result_from_an_iteration_cancelled_by_a_failed_sibling_is_ignored()
    {
        var h = new EngineHarness("""
            id: each
            name: each
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ [1, 2] }}"
                  concurrency: 2
                  steps:
                    - { id: work, type: plugin, config: { plugin: noop }, retry: { max_retries: 0 } }
            """).Start();
        Assert.Equal(["each[0]/work", "each[1]/work"], h.Queued());

        h.Fail("each[0]/work", "first failed");
        Assert.Equal(StepRunStatus.Cancelled, h.Status("each[1]/work"));

        h.Succeed("each[1]/work", attempt: 1);

        Assert.Equal(StepRunStatus.Cancelled, h.Status("each[1]/work"));
        Assert.Equal(ExecutionStatus.Failed, h.State.Status);
        Assert.Equal("step 'each' failed: iteration 0: step 'each[0]/work' failed: first failed", h.State.Error);
    }
}
