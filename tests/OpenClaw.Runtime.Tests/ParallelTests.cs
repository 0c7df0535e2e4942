using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

public sealed class ParallelTests
{
    [Fact]
    public async Task Wait_all_joins_every_branch_and_keys_the_output_by_branch_name()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: fan
            name: fan
            steps:
              - id: fan
                type: parallel
                config:
                  branches:
                    - name: left
                      steps:
                        - { id: l1, type: plugin, config: { plugin: noop, inputs: { v: 1 } }, next_steps: [l2] }
                        - { id: l2, type: plugin, config: { plugin: noop, inputs: { v: "${{ steps.l1.output.v + 1 }}" } } }
                    - name: right
                      steps:
                        - { id: r1, type: plugin, config: { plugin: noop, inputs: { v: 10 } } }
                next_steps: [after]
              - { id: after, type: plugin, config: { plugin: noop, inputs: { sum: "${{ steps.fan.output.left.v + steps.fan.output.right.v }}" } } }
            outputs:
              fan: "${{ steps.fan.output }}"
              sum: "${{ steps.after.output.sum }}"
            """);

        var run = await runtime.RunAsync("fan");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal("""{"left":{"v":2},"right":{"v":10}}""", run.Execution.Outputs!.Value.GetProperty("fan").GetRawText());
        Assert.Equal(12, run.Execution.Outputs!.Value.GetProperty("sum").GetInt32());
        Assert.Contains(run.Steps, s => s.StepKey == "fan.left/l2" && s.Status == StepRunStatus.Succeeded);
    }

    [Fact]
    public async Task Fail_fast_cancels_the_other_branches_and_fails_at_once()
    {
        var gate = new GatePlugin();
        var hold = new HoldPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([gate, hold, new FlakyPlugin()]);
        await runtime.AddWorkflowAsync("""
            id: fast_fail
            name: fast_fail
            steps:
              - id: fan
                type: parallel
                config:
                  mode: fail_fast
                  branches:
                    - name: waits
                      steps:
                        - { id: gated, type: plugin, config: { plugin: gate } }
                    - name: breaks
                      steps:
                        - { id: first, type: plugin, config: { plugin: hold }, next_steps: [broken] }
                        - { id: broken, type: plugin, config: { plugin: flaky, inputs: { fail_times: 9, retryable: false } } }
            """);
        var id = await runtime.StartExecutionAsync("fast_fail");
        await Wait.ForAsync(gate.Entered.Task, "the gate to be entered");
        await hold.NextArrivalAsync();

        hold.Release();
        var run = await runtime.WaitAsync(id);

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Equal("step 'fan' failed: branch 'breaks': step 'fan.breaks/broken' failed: planned failure 1", run.Execution.Error);
        Assert.Equal(StepRunStatus.Cancelled, run.Steps.Single(s => s.StepKey == "fan.waits/gated").Status);
        await Wait.UntilAsync(() => Volatile.Read(ref gate.Cancelled) == 1, "the gate to see its cancellation");
    }

    [Fact]
    public async Task Wait_all_with_a_failed_branch_waits_for_the_others_then_fails()
    {
        var hold = new HoldPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([hold, new FlakyPlugin()]);
        await runtime.AddWorkflowAsync("""
            id: wait_all_fail
            name: wait_all_fail
            steps:
              - id: fan
                type: parallel
                config:
                  mode: wait_all
                  branches:
                    - name: slow
                      steps:
                        - { id: held, type: plugin, config: { plugin: hold } }
                    - name: breaks
                      steps:
                        - { id: broken, type: plugin, config: { plugin: flaky, inputs: { fail_times: 9, retryable: false } } }
            """);
        var id = await runtime.StartExecutionAsync("wait_all_fail");
        await hold.NextArrivalAsync();
        await runtime.WaitForStepAsync(id, "fan.breaks/broken", s => s.Status == StepRunStatus.Failed);

        var meanwhile = await runtime.GetAsync(id);
        Assert.Equal(ExecutionStatus.Running, meanwhile.Execution.Status);
        Assert.Equal(StepRunStatus.Waiting, meanwhile.Steps.Single(s => s.StepKey == "fan").Status);

        hold.Release();
        var run = await runtime.WaitAsync(id);

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Equal(StepRunStatus.Succeeded, run.Steps.Single(s => s.StepKey == "fan.slow/held").Status);
        Assert.Equal("step 'fan' failed: branch 'breaks': step 'fan.breaks/broken' failed: planned failure 1", run.Execution.Error);
    }
}
