using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

public sealed class SubworkflowTests
{
    private const string Doubler = """
        id: doubler
        name: doubler
        inputs: [{ name: x, type: number, required: true }]
        steps:
          - { id: calc, type: plugin, config: { plugin: noop, inputs: { doubled: "${{ inputs.x * 2 }}" } } }
        outputs:
          doubled: "${{ steps.calc.output.doubled }}"
        """;

    private static Guid ChildId(ExecutionDetail parent, string stepKey) =>
        Guid.Parse(parent.Steps.Single(s => s.StepKey == stepKey).State!.Value.GetProperty("child_execution_id").GetString()!);

    [Fact]
    public async Task Parent_step_waits_for_the_child_and_gets_its_outputs()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync(Doubler);
        await runtime.AddWorkflowAsync("""
            id: parent
            name: parent
            steps:
              - { id: sub, type: subworkflow, config: { workflow: doubler, inputs: { x: 21 } }, next_steps: [after] }
              - { id: after, type: plugin, config: { plugin: noop, inputs: { got: "${{ steps.sub.output.doubled }}" } } }
            outputs:
              got: "${{ steps.after.output.got }}"
            """);

        var run = await runtime.RunAsync("parent");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(42, run.Execution.Outputs!.Value.GetProperty("got").GetInt32());
        var child = await runtime.GetAsync(ChildId(run, "sub"));
        Assert.Equal(ExecutionStatus.Succeeded, child.Execution.Status);
        Assert.Equal(run.Execution.Id, child.Execution.ParentExecutionId);
        Assert.Equal("sub", child.Execution.ParentStepKey);
        Assert.Equal("subworkflow", child.Execution.Trigger);
        Assert.True(run.Steps.Single(s => s.StepKey == "after").CreatedAt >= child.Execution.CompletedAt);
    }

    [Fact]
    public async Task Child_failure_fails_the_parent_step_with_the_childs_error()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new FlakyPlugin()]);
        await runtime.AddWorkflowAsync("""
            id: broken_child
            name: broken_child
            steps:
              - { id: boom, type: plugin, config: { plugin: flaky, inputs: { fail_times: 9, retryable: false } } }
            """);
        await runtime.AddWorkflowAsync("""
            id: parent
            name: parent
            steps:
              - { id: sub, type: subworkflow, config: { workflow: broken_child } }
            """);

        var run = await runtime.RunAsync("parent");

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        var childId = ChildId(run, "sub");
        Assert.Equal($"sub-workflow execution {childId} failed: step 'boom' failed: planned failure 1", run.Steps.Single(s => s.StepKey == "sub").Error);
        Assert.Equal(ExecutionStatus.Failed, (await runtime.GetAsync(childId)).Execution.Status);
    }

    [Fact]
    public async Task Unknown_child_workflow_fails_the_step_with_a_clear_message()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: parent
            name: parent
            steps:
              - { id: sub, type: subworkflow, config: { workflow: no-such-flow } }
            """);

        var run = await runtime.RunAsync("parent");

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.EndsWith("failed: Workflow 'no-such-flow' does not exist.", run.Steps.Single(s => s.StepKey == "sub").Error);
        Assert.Null(await runtime.Queries.GetAsync("default", ChildId(run, "sub")));
    }

    [Fact]
    public async Task Child_inputs_that_do_not_bind_fail_the_step()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync(Doubler);
        await runtime.AddWorkflowAsync("""
            id: parent
            name: parent
            steps:
              - { id: sub, type: subworkflow, config: { workflow: doubler, inputs: { y: 1 } } }
            """);

        var run = await runtime.RunAsync("parent");

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Contains("invalid inputs", run.Steps.Single(s => s.StepKey == "sub").Error);
    }

    [Fact]
    public async Task Cancelling_the_parent_cancels_the_running_child()
    {
        var gate = new GatePlugin();
        await using var runtime = await RuntimeFixture.StartAsync([gate]);
        await runtime.AddWorkflowAsync("""
            id: waits
            name: waits
            steps:
              - { id: gated, type: plugin, config: { plugin: gate } }
            """);
        await runtime.AddWorkflowAsync("""
            id: parent
            name: parent
            steps:
              - { id: sub, type: subworkflow, config: { workflow: waits } }
            """);
        var id = await runtime.StartExecutionAsync("parent");
        await Wait.ForAsync(gate.Entered.Task, "the child's gate to be entered");
        var childId = ChildId(await runtime.GetAsync(id), "sub");

        Assert.True(await runtime.Coordinator.CancelAsync(id));

        var parent = await runtime.WaitAsync(id);
        var child = await runtime.WaitAsync(childId);
        Assert.Equal(ExecutionStatus.Cancelled, parent.Execution.Status);
        Assert.Equal(StepRunStatus.Cancelled, parent.Steps.Single().Status);
        Assert.Equal(ExecutionStatus.Cancelled, child.Execution.Status);
        Assert.Equal("parent execution stopped", child.Execution.Error);
        Assert.Equal(StepRunStatus.Cancelled, child.Steps.Single().Status);
        await Wait.UntilAsync(() => Volatile.Read(ref gate.Cancelled) == 1, "the child's gate to see its cancellation");
    }
}
