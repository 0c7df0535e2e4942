using OpenClaw.Core.Definitions;
using static OpenClaw.Core.Tests.Definitions.DefinitionFixtures;

namespace OpenClaw.Core.Tests.Definitions;

/// <summary>missing-config, invalid-config, unknown-plugin, unknown-workflow, duplicate-branch, and input defaults.</summary>
public class StepConfigValidationTests
{
    [Theory]
    [InlineData("{ id: s, type: plugin, config: { inputs: {} } }", "$.steps[0].config.plugin")]
    [InlineData("{ id: s, type: plugin }", "$.steps[0].config.plugin")]
    [InlineData("{ id: s, type: loop, config: { steps: [ { id: x, type: plugin, config: { plugin: noop } } ] } }", "$.steps[0].config")]
    [InlineData("{ id: s, type: loop, config: { items: \"${{ inputs.l }}\" } }", "$.steps[0].config.steps")]
    [InlineData("{ id: s, type: parallel, config: { branches: [] } }", "$.steps[0].config.branches")]
    [InlineData("{ id: s, type: parallel, config: { branches: [ { name: a } ] } }", "$.steps[0].config.branches[0].steps")]
    [InlineData("{ id: s, type: parallel, config: { branches: [ { steps: [ { id: x, type: plugin, config: { plugin: noop } } ] } ] } }", "$.steps[0].config.branches[0].name")]
    [InlineData("{ id: s, type: delay, config: {} }", "$.steps[0].config")]
    [InlineData("{ id: s, type: subworkflow, config: { inputs: { a: 1 } } }", "$.steps[0].config.workflow")]
    [InlineData("{ id: s, type: condition, config: { default: [] } }", "$.steps[0].config.cases")]
    [InlineData("{ id: s, type: condition, config: { cases: [ { next: [] } ] } }", "$.steps[0].config.cases[0].when")]
    public void RequiredConfigAbsent_IsMissingConfig(string step, string path)
    {
        var error = Assert.Single(Errors($"id: m\nname: M\nsteps:\n  - {step}\n"));
        Assert.Equal((DefinitionErrorCodes.MissingConfig, path), (error.Code, error.Path));
    }

    [Theory]
    [InlineData("{ id: s, type: loop, config: { items: \"${{ inputs.l }}\", while: \"true\", steps: [ { id: x, type: plugin, config: { plugin: noop } } ] } }")]
    [InlineData("{ id: s, type: delay, config: { duration: 5s, until: \"2026-01-01T00:00:00Z\" } }")]
    public void MutuallyExclusiveOptionsBothGiven_IsInvalidConfig(string step)
    {
        var error = Assert.Single(Errors($"id: m\nname: M\nsteps:\n  - {step}\n"));
        Assert.Equal((DefinitionErrorCodes.InvalidConfig, "$.steps[0].config"), (error.Code, error.Path));
    }

    [Fact]
    public void RequiredPluginInputAbsent_IsMissingConfigNamingTheInput()
    {
        var errors = Errors("""
            id: m
            name: M
            steps:
              - { id: get, type: plugin, config: { plugin: http-request, inputs: { method: GET } }, next_steps: [say] }
              - { id: say, type: plugin, config: { plugin: log } }
              - { id: fine, type: plugin, config: { plugin: log, inputs: { message: null } } }
            """, new TestCatalog());

        Assert.All(errors, e => Assert.Equal(DefinitionErrorCodes.MissingConfig, e.Code));
        Assert.Equal(["$.steps[0].config.inputs", "$.steps[1].config"], errors.Select(e => e.Path));
        Assert.Contains("'url'", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("'message'", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PluginNotInCatalog_IsUnknownPlugin()
    {
        var errors = Errors("""
            id: m
            name: M
            steps:
              - { id: a, type: plugin, config: { plugin: telepathy }, next_steps: [b] }
              - { id: b, type: plugin, config: { plugin: log, version: "9.9.9", inputs: { message: hi } } }
            """, new TestCatalog());

        Assert.All(errors, e => Assert.Equal(DefinitionErrorCodes.UnknownPlugin, e.Code));
        Assert.Equal(["$.steps[0].config.plugin", "$.steps[1].config.version"], errors.Select(e => e.Path));
        Assert.Contains("1.0.0", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutCatalog_PluginsAreNotChecked() =>
        NoErrors(Errors("id: m\nname: M\nsteps:\n  - { id: a, type: plugin, config: { plugin: telepathy } }\n"));

    [Fact]
    public void MissingWorkflows_AreUnknownWorkflowOnlyWhenALookupIsGiven()
    {
        const string yaml = """
            id: m
            name: M
            on_failure_workflow: alerts
            steps:
              - { id: a, type: subworkflow, config: { workflow: child } }
            """;
        NoErrors(Errors(yaml));

        var errors = Errors(yaml, workflowExists: id => id == "known");
        Assert.All(errors, e => Assert.Equal(DefinitionErrorCodes.UnknownWorkflow, e.Code));
        Assert.Equal(["$.steps[0].config.workflow", "$.on_failure_workflow"], errors.Select(e => e.Path));
    }

    [Fact]
    public void DuplicateBranchNames_AreDuplicateBranch()
    {
        var errors = Errors("""
            id: m
            name: M
            steps:
              - id: fan
                type: parallel
                config:
                  branches:
                    - { name: left, steps: [ { id: l, type: plugin, config: { plugin: noop } } ] }
                    - { name: left, steps: [ { id: r, type: plugin, config: { plugin: noop } } ] }
            """);

        var error = Assert.Single(errors);
        Assert.Equal((DefinitionErrorCodes.DuplicateBranch, "$.steps[0].config.branches[1].name"), (error.Code, error.Path));
    }

    [Fact]
    public void InputDefaultOfTheWrongType_IsTypeMismatch()
    {
        var errors = Errors("""
            id: m
            name: M
            inputs:
              - { name: count, type: integer, default: 2.5 }
              - { name: ok_count, type: integer, default: 3 }
              - { name: label, type: string, default: 7 }
              - { name: flags, type: array, default: { a: 1 } }
              - { name: anything, default: [1, "x"] }
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """);

        Assert.All(errors, e => Assert.Equal(DefinitionErrorCodes.TypeMismatch, e.Code));
        Assert.Equal(["$.inputs[0].default", "$.inputs[2].default", "$.inputs[3].default"], errors.Select(e => e.Path));
        Assert.Contains("declared as an integer", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputDeclaredTwice_IsDuplicateInput()
    {
        var errors = Errors("""
            id: m
            name: M
            inputs: [ { name: a }, { name: a, type: string } ]
            steps:
              - { id: s, type: plugin, config: { plugin: noop } }
            """);
        Assert.Equal("$.inputs[1].name", Single(errors, DefinitionErrorCodes.DuplicateInput).Path);
    }

    [Fact]
    public void Validate_OnAProgrammaticDefinition_ChecksTheModel()
    {
        var definition = new WorkflowDefinition
        {
            Id = "built",
            Name = "Built in code",
            Steps =
            [
                new StepDefinition { Id = "a", Type = StepType.Plugin, Config = new PluginStepConfig("", null, default), NextSteps = ["b"], Path = "$.steps[0]" },
                new StepDefinition { Id = "b", Type = StepType.Delay, Config = new DelayStepConfig(null, null), Path = "$.steps[1]" },
            ],
        };

        var errors = new WorkflowValidator().Validate(definition);
        Assert.Equal(["$.steps[0].config.plugin", "$.steps[1].config"], errors.Select(e => e.Path));
    }
}
