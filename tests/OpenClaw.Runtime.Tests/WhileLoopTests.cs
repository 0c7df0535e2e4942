using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

public sealed class WhileLoopTests
{
    [Fact]
    public async Task Repeats_while_the_condition_holds_on_vars_the_body_sets()
    {
        var record = new RecordPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([record]);
        await runtime.AddWorkflowAsync("""
            id: countdown
            name: countdown
            vars: { left: 3, seen: [] }
            steps:
              - id: again
                type: loop
                config:
                  while: "vars.left > 0"
                  steps:
                    - id: tick
                      type: plugin
                      config: { plugin: record, inputs: { name: "tick ${{ loop.index }} left ${{ vars.left }}" } }
                      set: { left: "${{ vars.left - 1 }}" }
            outputs:
              left: "${{ vars.left }}"
              count: "${{ steps.again.output.count }}"
            """);

        var run = await runtime.RunAsync("countdown");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(["tick 0 left 3", "tick 1 left 2", "tick 2 left 1"], record.Order);
        Assert.Equal(0, run.Execution.Outputs!.Value.GetProperty("left").GetInt32());
        Assert.Equal(3, run.Execution.Outputs!.Value.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Condition_false_from_the_start_runs_no_iteration()
    {
        var record = new RecordPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([record]);
        await runtime.AddWorkflowAsync("""
            id: never
            name: never
            steps:
              - id: again
                type: loop
                config:
                  while: "${{ false }}"
                  steps:
                    - { id: tick, type: plugin, config: { plugin: record } }
            outputs:
              count: "${{ steps.again.output.count }}"
            """);

        var run = await runtime.RunAsync("never");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(0, run.Execution.Outputs!.Value.GetProperty("count").GetInt32());
        Assert.Empty(record.Order);
    }

    [Fact]
    public async Task Max_iterations_guard_fails_the_step_after_that_many_iterations()
    {
        var record = new RecordPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([record]);
        await runtime.AddWorkflowAsync("""
            id: forever
            name: forever
            steps:
              - id: again
                type: loop
                config:
                  while: "true"
                  max_iterations: 3
                  steps:
                    - { id: tick, type: plugin, config: { plugin: record } }
            """);

        var run = await runtime.RunAsync("forever");

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Equal("loop: exceeded max_iterations (3)", run.Steps.Single(s => s.StepKey == "again").Error);
        Assert.Equal(3, record.Order.Count);
        Assert.Equal("step 'again' failed: loop: exceeded max_iterations (3)", run.Execution.Error);
    }
}
