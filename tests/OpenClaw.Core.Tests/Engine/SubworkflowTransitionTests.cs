using System.Text.Json;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

public sealed class SubworkflowTransitionTests
{
    private const string Parent = """
        id: parent
        name: parent
        inputs: [{ name: n, type: number }]
        steps:
          - id: child
            type: subworkflow
            config: { workflow: other, version: 2, inputs: { doubled: "${{ inputs.n * 2 }}" } }
            next_steps: [after]
          - { id: after, type: plugin, config: { plugin: noop, inputs: { got: "${{ steps.child.output.result }}" } } }
        """;

    [Fact]
    public void Step_asks_for_a_child_with_resolved_inputs_and_waits()
    {
        var h = new EngineHarness(Parent, new() { ["n"] = 4 }).Start();

        var start = Assert.Single(h.Effects.StartChildren);
        Assert.Equal("other", start.WorkflowId);
        Assert.Equal(2, start.Version);
        Assert.Equal("child", start.ParentStepKey);
        Assert.Equal(8, start.Inputs!["doubled"]!.GetValue<long>());
        Assert.Equal(StepRunStatus.Waiting, h.Status("child"));
        Assert.Equal(start.ChildExecutionId.ToString(), h.Run("child").State!["child_execution_id"]!.GetValue<string>());
        Assert.Empty(h.Queued());
    }

    [Fact]
    public void Child_success_hands_its_outputs_to_the_next_step()
    {
        var h = new EngineHarness(Parent, new() { ["n"] = 1 }).Start();

        Complete(h, new ExecutionOutcome(ExecutionStatus.Succeeded, JsonDocument.Parse("""{"result":"ok"}""").RootElement, null));

        Assert.Equal(StepRunStatus.Succeeded, h.Status("child"));
        Assert.Equal(["after"], h.Queued());
        Assert.Equal("ok", h.Run("after").Inputs!.Value.GetProperty("got").GetString());
    }

    [Fact]
    public void Child_failure_fails_the_step_naming_the_child_and_its_error()
    {
        var h = new EngineHarness(Parent, new() { ["n"] = 1 }).Start();
        var childId = h.Effects.StartChildren.Single().ChildExecutionId;

        Complete(h, new ExecutionOutcome(ExecutionStatus.Failed, null, "step 'x' failed: nope"));

        Assert.Equal($"sub-workflow execution {childId} failed: step 'x' failed: nope", h.Run("child").Error);
        Assert.Equal(ExecutionStatus.Failed, h.State.Status);
    }

    private static void Complete(EngineHarness h, ExecutionOutcome outcome)
    {
        h.Effects.Clear();
        h.Engine.ChildCompleted(h.State, h.Plan, "child", outcome, h.Effects);
    }
}
