using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

public sealed class StepTypeTests
{
    [Fact]
    public async Task Plugin_steps_run_in_order_and_outputs_flow_through_expressions()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: chain
            name: chain
            inputs: [{ name: who, type: string, required: true }]
            steps:
              - id: a
                type: plugin
                config: { plugin: noop, inputs: { greeting: "hi ${{ inputs.who }}" } }
                next_steps: [b]
              - id: b
                type: plugin
                config: { plugin: noop, inputs: { echoed: "${{ steps.a.output.greeting }}", n: "${{ 1 + 2 }}" } }
            outputs:
              result: "${{ steps.b.output }}"
            """);

        var run = await runtime.RunAsync("chain", new JsonObject { ["who"] = "ann" });

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var result = run.Execution.Outputs!.Value.GetProperty("result");
        Assert.Equal("hi ann", result.GetProperty("echoed").GetString());
        Assert.Equal(3, result.GetProperty("n").GetInt32());
        Assert.All(run.Steps, s => Assert.Equal(StepRunStatus.Succeeded, s.Status));
    }
}
