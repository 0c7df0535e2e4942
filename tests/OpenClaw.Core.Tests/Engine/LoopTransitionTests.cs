using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

/// <summary>Loop bookkeeping inside one transition: iterations that finish at once, and expressions that fail late.</summary>
public sealed class LoopTransitionTests
{
    [Fact]
    public void Thousands_of_iterations_that_finish_without_a_worker_complete_in_one_transition()
    {
        var items = new JsonArray(Enumerable.Range(0, 5000).Select(i => (JsonNode)i).ToArray());
        var h = new EngineHarness("""
            id: quick
            name: quick
            inputs: [{ name: items, type: array }]
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ inputs.items }}"
                  max_iterations: 5000
                  steps:
                    - id: decide
                      type: condition
                      config:
                        cases: [{ when: "loop.item > 10", next: [] }]
                        default: []
                  output: "${{ loop.index }}"
            """, new() { ["items"] = items }).Start();

        Assert.True(h.State.Status == ExecutionStatus.Succeeded, h.State.Error);
        var output = h.Run("each").Output!.Value;
        Assert.Equal(5000, output.GetProperty("count").GetInt32());
        Assert.Equal(4999, output.GetProperty("results")[4999].GetInt32());
    }

    [Fact]
    public void Loop_output_template_that_fails_fails_the_loop_instead_of_the_transition()
    {
        var h = new EngineHarness("""
            id: bad_output
            name: bad_output
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ [1, 0] }}"
                  steps:
                    - { id: work, type: plugin, config: { plugin: noop } }
                  output: "${{ 10 / loop.item }}"
            """).Start();

        h.Succeed("each[0]/work").Succeed("each[1]/work");

        Assert.Equal(StepRunStatus.Failed, h.Status("each"));
        Assert.StartsWith("loop: cannot evaluate 'output': division by zero", h.Run("each").Error);
        Assert.Equal(ExecutionStatus.Failed, h.State.Status);
    }

    [Fact]
    public void While_condition_that_fails_after_an_iteration_fails_the_loop_instead_of_the_transition()
    {
        var h = new EngineHarness("""
            id: bad_while
            name: bad_while
            vars: { n: 1 }
            steps:
              - id: again
                type: loop
                config:
                  while: "10 / vars.n > 1"
                  steps:
                    - id: zero
                      type: plugin
                      config: { plugin: noop }
                      set: { n: 0 }
            """).Start();

        h.Succeed("again[0]/zero");

        Assert.Equal(StepRunStatus.Failed, h.Status("again"));
        Assert.StartsWith("loop: cannot evaluate 'while': division by zero", h.Run("again").Error);
        Assert.Equal(ExecutionStatus.Failed, h.State.Status);
    }

    [Fact]
    public void Items_that_are_not_an_array_fail_the_step_with_what_was_found()
    {
        var h = new EngineHarness("""
            id: not_array
            name: not_array
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ 'abc' }}"
                  steps:
                    - { id: work, type: plugin, config: { plugin: noop } }
            """).Start();

        Assert.Equal(StepRunStatus.Failed, h.Status("each"));
        Assert.Equal("loop: 'items' must be an array, got a string", h.Run("each").Error);
    }
}
