using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

/// <summary>A condition settles in the transition that reaches it, like any other step that succeeded.</summary>
public sealed class ConditionTransitionTests
{
    [Fact]
    public void Set_on_a_condition_assigns_vars_from_its_output()
    {
        var h = new EngineHarness("""
            id: routed
            name: routed
            vars: { route: none }
            steps:
              - id: route
                type: condition
                config:
                  cases:
                    - { when: "false", next: [a] }
                    - { when: "${{ 1 < 2 }}", next: [b] }
                  default: [a]
                set: { route: "${{ output.matched_case }}" }
              - { id: a, type: plugin, config: { plugin: noop } }
              - { id: b, type: plugin, config: { plugin: noop } }
            """).Start();

        Assert.Equal(1L, h.State.Vars["route"]!.GetValue<long>());
        Assert.Equal(["b"], h.Queued());
        Assert.Equal(StepRunStatus.Skipped, h.Status("a"));
    }

    [Fact]
    public void Next_steps_of_a_condition_run_whichever_case_is_chosen()
    {
        var h = new EngineHarness("""
            id: always
            name: always
            steps:
              - id: route
                type: condition
                config:
                  cases: [{ when: "true", next: [a] }]
                  default: [b]
                next_steps: [audit]
              - { id: a, type: plugin, config: { plugin: noop } }
              - { id: b, type: plugin, config: { plugin: noop } }
              - { id: audit, type: plugin, config: { plugin: noop } }
            """).Start();

        Assert.Equal(["a", "audit"], h.Queued());
        Assert.Equal(StepRunStatus.Skipped, h.Status("b"));
        Assert.Equal(["a", "audit"], h.Run("route").Next);
    }
}
