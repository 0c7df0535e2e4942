using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

public sealed class ParallelTransitionTests
{
    private static EngineHarness Start(string mode) => new EngineHarness($$"""
        id: fan
        name: fan
        steps:
          - id: fan
            type: parallel
            config:
              mode: {{mode}}
              branches:
                - name: a
                  steps: [{ id: x, type: plugin, config: { plugin: noop }, retry: { max_retries: 0 } }]
                - name: b
                  steps:
                    - { id: y, type: plugin, config: { plugin: noop }, next_steps: [z] }
                    - { id: z, type: plugin, config: { plugin: noop } }
            next_steps: [after]
          - { id: after, type: plugin, config: { plugin: noop } }
        """).Start();

    [Fact]
    public void Fail_fast_cancels_the_other_branches_in_the_same_transition()
    {
        var h = Start("fail_fast");
        var y = h.Run("fan.b/y");

        h.Fail("fan.a/x", "x broke");

        Assert.Equal(StepRunStatus.Failed, h.Status("fan"));
        Assert.Equal(StepRunStatus.Cancelled, h.Status("fan.b/y"));
        Assert.Contains(y.Id, h.Effects.CancelTasks);
        Assert.False(h.State.TryGetRun("fan.b/z", out _));
        Assert.Equal("step 'fan' failed: branch 'a': step 'fan.a/x' failed: x broke", h.State.Error);
    }

    [Fact]
    public void Wait_all_lets_the_other_branches_finish_before_failing()
    {
        var h = Start("wait_all");

        h.Fail("fan.a/x", "x broke");
        Assert.Equal(StepRunStatus.Waiting, h.Status("fan"));
        h.Succeed("fan.b/y");
        Assert.Equal(["fan.b/z"], h.Queued());
        h.Succeed("fan.b/z");

        Assert.Equal(StepRunStatus.Failed, h.Status("fan"));
        Assert.Equal(StepRunStatus.Succeeded, h.Status("fan.b/z"));
        Assert.Equal(ExecutionStatus.Failed, h.State.Status);
    }

    [Fact]
    public void Output_maps_each_branch_to_its_last_steps_output()
    {
        var h = Start("wait_all");

        h.Succeed("fan.a/x", new { v = "x" }).Succeed("fan.b/y", new { v = "y" }).Succeed("fan.b/z", new { v = "z" });

        Assert.Equal("""{"a":{"v":"x"},"b":{"v":"z"}}""", h.Run("fan").Output!.Value.GetRawText());
        Assert.Equal(["after"], h.Queued());
    }
}
