using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

/// <summary>A step runs when all its predecessors settled and one chose it; otherwise it is skipped, and the skip propagates.</summary>
public sealed class JoinAndSkipTests
{
    private const string Diamond = """
        id: diamond
        name: diamond
        inputs: [{ name: pick, type: string, required: true }]
        steps:
          - id: check
            type: condition
            config:
              cases:
                - { when: "inputs.pick == 'left'", next: left }
              default: [right]
          - id: left
            type: plugin
            config: { plugin: noop }
            next_steps: [join]
          - id: right
            type: plugin
            config: { plugin: noop }
            next_steps: [after_right]
          - id: after_right
            type: plugin
            config: { plugin: noop }
            next_steps: [join]
          - id: join
            type: plugin
            config: { plugin: noop }
        outputs:
          joined: "${{ steps.join.status }}"
        """;

    [Fact]
    public void Skip_propagates_down_the_branch_not_taken_and_the_join_runs_once()
    {
        var h = new EngineHarness(Diamond, new() { ["pick"] = "left" }).Start();

        Assert.Equal(StepRunStatus.Succeeded, h.Status("check"));
        Assert.Equal(StepRunStatus.Skipped, h.Status("right"));
        Assert.Equal(StepRunStatus.Skipped, h.Status("after_right"));
        Assert.Equal(["left"], h.Queued());

        h.Succeed("left");

        Assert.Equal(["join"], h.Queued());
        Assert.Single(h.Effects.Dispatch, r => r.Key == "join");
        h.Succeed("join");
        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
        Assert.Equal("succeeded", h.State.Outputs!.Value.GetProperty("joined").GetString());
        Assert.Equal(5, h.Rows.Count);
    }

    [Fact]
    public void Join_waits_for_every_predecessor_even_when_one_is_slow()
    {
        var h = new EngineHarness(Diamond, new() { ["pick"] = "other" }).Start();
        Assert.Equal(StepRunStatus.Skipped, h.Status("left"));
        Assert.Equal(["right"], h.Queued());

        h.Succeed("right");
        Assert.Equal(["after_right"], h.Queued());
        Assert.False(h.State.TryGetRun("join", out _));

        h.Succeed("after_right").Succeed("join");

        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
    }

    [Fact]
    public void Join_of_parallel_successors_starts_only_after_the_last_one_settles()
    {
        var h = new EngineHarness("""
            id: fan
            name: fan
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, next_steps: [b, c] }
              - { id: b, type: plugin, config: { plugin: noop }, next_steps: [j] }
              - { id: c, type: plugin, config: { plugin: noop }, next_steps: [j] }
              - { id: j, type: plugin, config: { plugin: noop } }
            """).Start();

        h.Succeed("a");
        Assert.Equal(["b", "c"], h.Queued());
        h.Succeed("c");
        Assert.Equal(["b"], h.Queued());
        h.Succeed("b");
        Assert.Equal(["j"], h.Queued());
    }

    [Fact]
    public void When_every_predecessor_is_skipped_the_step_is_skipped_and_the_execution_still_succeeds()
    {
        var h = new EngineHarness("""
            id: nothing
            name: nothing
            steps:
              - id: check
                type: condition
                config:
                  cases: [{ when: "${{ false }}", next: [a] }]
                  default: []
              - { id: a, type: plugin, config: { plugin: noop }, next_steps: [b] }
              - { id: b, type: plugin, config: { plugin: noop } }
            """).Start();

        Assert.Equal(StepRunStatus.Skipped, h.Status("a"));
        Assert.Equal(StepRunStatus.Skipped, h.Status("b"));
        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
        Assert.Empty(h.Effects.Dispatch);
    }

    [Fact]
    public void On_failure_handler_runs_instead_of_next_steps_and_is_skipped_on_success()
    {
        const string yaml = """
            id: handled
            name: handled
            steps:
              - id: risky
                type: plugin
                config: { plugin: noop }
                retry: { max_retries: 0 }
                next_steps: [happy]
                on_failure: rescue
              - { id: happy, type: plugin, config: { plugin: noop } }
              - { id: rescue, type: plugin, config: { plugin: noop } }
            """;

        var failed = new EngineHarness(yaml).Start().Fail("risky", "no luck");
        Assert.Equal(StepRunStatus.Failed, failed.Status("risky"));
        Assert.Equal("no luck", failed.Run("risky").Error);
        Assert.Equal(StepRunStatus.Skipped, failed.Status("happy"));
        Assert.Equal(["rescue"], failed.Queued());
        failed.Succeed("rescue");
        Assert.Equal(ExecutionStatus.Succeeded, failed.State.Status);

        var succeeded = new EngineHarness(yaml).Start().Succeed("risky");
        Assert.Equal(StepRunStatus.Skipped, succeeded.Status("rescue"));
        Assert.Equal(["happy"], succeeded.Queued());
    }

    [Fact]
    public void Unhandled_failure_fails_the_execution_and_cancels_what_still_runs()
    {
        var h = new EngineHarness("""
            id: boom
            name: boom
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, retry: { max_retries: 0 } }
              - { id: b, type: plugin, config: { plugin: noop } }
            """).Start();
        var b = h.Run("b");
        b.Status = StepRunStatus.Running;

        h.Fail("a", "kaput");

        Assert.Equal(ExecutionStatus.Failed, h.State.Status);
        Assert.Equal("step 'a' failed: kaput", h.State.Error);
        Assert.Equal(StepRunStatus.Cancelled, h.Status("b"));
        Assert.Contains(b.Id, h.Effects.CancelTasks);
        Assert.Equal(ExecutionStatus.Failed, h.Effects.Completed!.Status);
    }
}
