using System.Text.Json;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

public sealed class ResumeTransitionTests
{
    private const string Chain = """
        id: chain
        name: chain
        steps:
          - { id: a, type: plugin, config: { plugin: noop }, next_steps: [b] }
          - { id: b, type: plugin, config: { plugin: noop, inputs: { n: 1 } }, next_steps: [c] }
          - { id: c, type: plugin, config: { plugin: noop } }
        """;

    [Fact]
    public void Resuming_requeues_the_failed_step_as_a_new_attempt_and_the_execution_runs_on_to_success()
    {
        var h = new EngineHarness(Chain).Start().Succeed("a").Fail("b", "down", retryable: false);
        Assert.Equal(ExecutionStatus.Failed, h.State.Status);
        var outputOfA = h.Run("a").Output!.Value.GetRawText();

        h.Resume();

        Assert.Equal(ExecutionStatus.Running, h.Execution!.Status);
        Assert.Null(h.Execution.Error);
        Assert.Null(h.Execution.CompletedAt);
        Assert.Equal(["b"], h.Queued());
        Assert.Equal(2, h.Run("b").Attempt);
        Assert.Equal([h.Run("b")], h.Effects.Dispatch);
        Assert.Equal(StepRunStatus.Succeeded, h.Status("a"));
        Assert.Equal(outputOfA, h.Run("a").Output!.Value.GetRawText());

        h.Succeed("b").Succeed("c");

        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
        Assert.Equal([1, 2], h.Attempts.Where(x => x.TaskId == h.Run("b").Id).Select(x => x.Attempt));
    }

    [Fact]
    public void Replaced_inputs_are_what_the_requeued_step_runs_with()
    {
        var h = new EngineHarness(Chain).Start().Succeed("a").Fail("b", retryable: false);

        h.Resume(new Dictionary<string, JsonElement> { ["b"] = JsonSerializer.SerializeToElement(new { n = 42 }) });

        Assert.Equal(42, h.Rows.Single(r => r.StepKey == "b").Inputs!.Value.GetProperty("n").GetInt32());
    }

    [Fact]
    public void A_result_for_the_attempt_before_the_resume_is_ignored()
    {
        var h = new EngineHarness(Chain).Start().Succeed("a").Fail("b", retryable: false).Resume();

        h.Succeed("b", attempt: 1);

        Assert.Equal(StepRunStatus.Queued, h.Status("b"));
    }

    [Fact]
    public void A_fail_fast_parallel_resumes_the_failed_branch_and_the_branch_cancelled_because_of_it()
    {
        var h = new EngineHarness("""
            id: fan
            name: fan
            steps:
              - id: fan
                type: parallel
                config:
                  mode: fail_fast
                  branches:
                    - { name: x, steps: [ { id: p, type: plugin, config: { plugin: noop } } ] }
                    - { name: y, steps: [ { id: q, type: plugin, config: { plugin: noop } } ] }
            """).Start().Fail("fan.x/p", retryable: false);
        Assert.Equal(StepRunStatus.Cancelled, h.Status("fan.y/q"));

        h.Resume();

        Assert.Equal(StepRunStatus.Waiting, h.Status("fan"));
        Assert.Equal(["fan.x/p", "fan.y/q"], h.Queued());
        h.Succeed("fan.x/p").Succeed("fan.y/q");
        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
    }

    [Fact]
    public void A_loop_resumes_its_failed_iteration_and_then_runs_the_ones_it_never_started()
    {
        var h = new EngineHarness("""
            id: each
            name: each
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ [1, 2, 3] }}"
                  steps: [ { id: work, type: plugin, config: { plugin: noop } } ]
            """).Start().Succeed("each[0]/work").Fail("each[1]/work", retryable: false);
        Assert.Equal(ExecutionStatus.Failed, h.State.Status);

        h.Resume().Reload();

        Assert.Equal(["each[1]/work"], h.Queued());
        h.Succeed("each[1]/work");
        Assert.Equal(["each[2]/work"], h.Queued());
        h.Succeed("each[2]/work");
        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
        Assert.Equal(3, h.Run("each").Output!.Value.GetProperty("count").GetInt32());
    }

    [Fact]
    public void A_resumed_delay_still_waits_until_its_time()
    {
        var h = new EngineHarness("""
            id: waits
            name: waits
            steps:
              - { id: wait, type: delay, config: { duration: 1h } }
            """).Start().Cancel();
        h.Time.Advance(TimeSpan.FromMinutes(10));

        h.Resume();

        Assert.Equal(EngineHarness.Epoch.AddHours(1), h.Run("wait").RunAt);
    }

    [Fact]
    public void A_cancelled_execution_resumes_its_cancelled_steps()
    {
        var h = new EngineHarness(Chain).Start().Cancel();

        h.Resume();

        Assert.Equal(["a"], h.Queued());
        h.Succeed("a").Succeed("b").Succeed("c");
        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
    }

    [Fact]
    public void Running_executions_failed_conditions_and_unknown_steps_are_refused()
    {
        var running = new EngineHarness(Chain).Start();
        Assert.Throws<ExecutionNotResumableException>(() => running.Resume());

        var failed = new EngineHarness(Chain).Start().Fail("a", retryable: false);
        var ex = Assert.Throws<ExecutionNotResumableException>(() =>
            failed.Resume(new Dictionary<string, JsonElement> { ["c"] = JsonSerializer.SerializeToElement(new { }) }));
        Assert.Contains("'c'", ex.Message);

        var child = new EngineHarness("""
            id: parent
            name: parent
            steps:
              - { id: child, type: subworkflow, config: { workflow: other } }
            """).Start().ChildCompleted("child", new ExecutionOutcome(ExecutionStatus.Failed, null, "x"));
        Assert.Equal(ExecutionStatus.Failed, child.State.Status);
        Assert.Contains("retry the execution from the start", Assert.Throws<ExecutionNotResumableException>(() => child.Resume()).Message);
    }
}
