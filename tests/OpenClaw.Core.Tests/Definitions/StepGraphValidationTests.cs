using OpenClaw.Core.Definitions;
using static OpenClaw.Core.Tests.Definitions.DefinitionFixtures;

namespace OpenClaw.Core.Tests.Definitions;

/// <summary>unknown-step, duplicate-id, unreachable, cycle and self-reference.</summary>
public class StepGraphValidationTests
{
    [Fact]
    public void NextStepNamingNoStep_IsUnknownStepWithSuggestion()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - { id: fetch, type: plugin, config: { plugin: noop }, next_steps: [proces] }
              - { id: process, type: plugin, config: { plugin: noop } }
            """);

        var error = Single(errors, DefinitionErrorCodes.UnknownStep);
        Assert.Equal("$.steps[0].next_steps[0]", error.Path);
        Assert.Contains("Did you mean 'process'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnFailureAndConditionTargets_AreCheckedToo()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, on_failure: ghost, next_steps: [c] }
              - id: c
                type: condition
                config:
                  cases:
                    - { when: "inputs.x", next: nowhere }
                    - { when: "inputs.y", next: [a2, missing] }
                  default: [void]
              - { id: a2, type: plugin, config: { plugin: noop } }
            """);

        Assert.Equal(
            ["$.steps[0].on_failure", "$.steps[1].config.cases[0].next", "$.steps[1].config.cases[1].next[1]", "$.steps[1].config.default[0]"],
            errors.Where(e => e.Code == DefinitionErrorCodes.UnknownStep).Select(e => e.Path));
    }

    [Fact]
    public void EdgeIntoALoopBody_IsUnknownStepNamingTheOtherScope()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - { id: start, type: plugin, config: { plugin: noop }, next_steps: [inner] }
              - id: each
                type: loop
                config:
                  items: "${{ inputs.list }}"
                  steps:
                    - { id: inner, type: plugin, config: { plugin: noop }, next_steps: [start] }
            """);

        var unknown = errors.Where(e => e.Code == DefinitionErrorCodes.UnknownStep).ToList();
        Assert.Equal(["$.steps[0].next_steps[0]", "$.steps[1].config.steps[0].next_steps[0]"], unknown.Select(e => e.Path));
        Assert.Contains("the body of loop 'each'", unknown[0].Message, StringComparison.Ordinal);
        Assert.Contains("the top level", unknown[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EdgeBetweenParallelBranches_IsUnknownStep()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - id: fan
                type: parallel
                config:
                  branches:
                    - { name: a, steps: [ { id: a1, type: plugin, config: { plugin: noop }, next_steps: [b1] } ] }
                    - { name: b, steps: [ { id: b1, type: plugin, config: { plugin: noop } } ] }
            """);

        var error = Single(errors, DefinitionErrorCodes.UnknownStep);
        Assert.Equal("$.steps[0].config.branches[0].steps[0].next_steps[0]", error.Path);
        Assert.Contains("branch 'b' of parallel step 'fan'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SameIdTwice_EvenWhenNested_IsDuplicateId()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - { id: work, type: plugin, config: { plugin: noop }, next_steps: [each] }
              - id: each
                type: loop
                config:
                  items: "${{ inputs.list }}"
                  steps:
                    - { id: work, type: plugin, config: { plugin: noop } }
            """);

        var error = Single(errors, DefinitionErrorCodes.DuplicateId);
        Assert.Equal("$.steps[1].config.steps[0].id", error.Path);
        Assert.Contains("$.steps[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoStepCycle_ReportsTheCyclePath()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - { id: start, type: plugin, config: { plugin: noop }, next_steps: [a] }
              - { id: a, type: plugin, config: { plugin: noop }, next_steps: [b] }
              - { id: b, type: plugin, config: { plugin: noop }, next_steps: [a] }
            """);

        var error = Single(errors, DefinitionErrorCodes.Cycle);
        Assert.Equal("$.steps[1]", error.Path);
        Assert.Contains("a -> b -> a", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(errors, e => e.Code == DefinitionErrorCodes.Unreachable);
    }

    [Fact]
    public void StepLeadingToItself_IsACycle()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - { id: start, type: plugin, config: { plugin: noop }, next_steps: [again] }
              - { id: again, type: plugin, config: { plugin: noop }, next_steps: [again] }
            """);
        Assert.Contains("again -> again", Single(errors, DefinitionErrorCodes.Cycle).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScopeWithoutEntryStep_IsOneCycleErrorNotUnreachableNoise()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, next_steps: [b] }
              - { id: b, type: plugin, config: { plugin: noop }, next_steps: [c] }
              - { id: c, type: condition, config: { cases: [ { when: "true", next: a } ] } }
            """);

        var error = Assert.Single(errors);
        Assert.Equal(DefinitionErrorCodes.Cycle, error.Code);
        Assert.Contains("a -> b -> c -> a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CycleInsideALoopBody_IsReportedAtTheNestedPath()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - id: each
                type: loop
                config:
                  while: "vars.n < 3"
                  steps:
                    - { id: x, type: plugin, config: { plugin: noop }, next_steps: [y] }
                    - { id: y, type: plugin, config: { plugin: noop }, next_steps: [x] }
            """);
        Assert.Equal("$.steps[0].config.steps[0]", Single(errors, DefinitionErrorCodes.Cycle).Path);
    }

    [Fact]
    public void StepsOnlyReachableFromACycle_AreUnreachable()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - { id: start, type: plugin, config: { plugin: noop } }
              - { id: ping, type: plugin, config: { plugin: noop }, next_steps: [pong] }
              - { id: pong, type: plugin, config: { plugin: noop }, next_steps: [ping, after] }
              - { id: after, type: plugin, config: { plugin: noop } }
            """);

        Assert.Contains("ping -> pong -> ping", Single(errors, DefinitionErrorCodes.Cycle).Message, StringComparison.Ordinal);
        var unreachable = errors.Where(e => e.Code == DefinitionErrorCodes.Unreachable).ToList();
        Assert.Equal(["$.steps[1]", "$.steps[2]", "$.steps[3]"], unreachable.Select(e => e.Path));
        Assert.Contains("'start'", unreachable[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralEntrySteps_AndJoins_AreFine()
    {
        NoErrors(Errors("""
            id: g
            name: G
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, next_steps: [join] }
              - { id: b, type: plugin, config: { plugin: noop }, next_steps: [join], on_failure: cleanup }
              - { id: join, type: plugin, config: { plugin: noop } }
              - { id: cleanup, type: plugin, config: { plugin: noop } }
            """));
    }

    [Fact]
    public void OnFailurePointingAtItself_IsSelfReference()
    {
        var errors = Errors("""
            id: g
            name: G
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, on_failure: a }
            """);

        var error = Assert.Single(errors);
        Assert.Equal((DefinitionErrorCodes.SelfReference, "$.steps[0].on_failure"), (error.Code, error.Path));
    }
}
