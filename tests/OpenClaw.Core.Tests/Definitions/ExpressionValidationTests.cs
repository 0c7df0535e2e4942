using OpenClaw.Core.Definitions;
using static OpenClaw.Core.Tests.Definitions.DefinitionFixtures;

namespace OpenClaw.Core.Tests.Definitions;

/// <summary>The expression code: syntax errors in any template, and steps.&lt;id&gt; references to nothing.</summary>
public class ExpressionValidationTests
{
    [Fact]
    public void SyntaxErrorInAPluginInput_GivesThePathOfTheStringAndTheColumn()
    {
        var errors = Errors("""
            id: x
            name: X
            steps:
              - id: a
                type: plugin
                config:
                  plugin: log
                  inputs:
                    message: "Total: ${{ inputs.a + }}"
                    nested: { list: [ "ok", "${{ (1 }}" ] }
            """);

        Assert.All(errors, e => Assert.Equal(DefinitionErrorCodes.Expression, e.Code));
        Assert.Equal(["$.steps[0].config.inputs.message", "$.steps[0].config.inputs.nested.list[1]"], errors.Select(e => e.Path));
        Assert.Matches("column [0-9]+", errors[0].Message);
    }

    [Fact]
    public void EveryPlaceATemplateCanLive_IsChecked()
    {
        var errors = Errors("""
            id: x
            name: X
            outputs: { o: "${{ ) }}" }
            vars: { v: "${{ ) }}" }
            steps:
              - id: c
                type: condition
                config:
                  cases:
                    - { when: "a ==", next: [l] }
                    - { when: "${{ ) }}", next: [d] }
              - id: l
                type: loop
                config:
                  while: "(("
                  steps: [ { id: inner, type: plugin, config: { plugin: noop }, set: { s: "${{ ) }}" } } ]
                  output: { r: "${{ ) }}" }
              - { id: d, type: delay, config: { duration: "${{ ) }}" } }
              - { id: d2, type: delay, config: { until: "${{ ) }}" } }
              - { id: sub, type: subworkflow, config: { workflow: child, inputs: { i: "${{ ) }}" } } }
              - { id: it, type: loop, config: { items: "${{ ) }}", steps: [ { id: i2, type: plugin, config: { plugin: noop } } ] } }
            """);

        string[] expected =
        [
            "$.outputs.o",
            "$.vars.v",
            "$.steps[0].config.cases[0].when",
            "$.steps[0].config.cases[1].when",
            "$.steps[1].config.while",
            "$.steps[1].config.output.r",
            "$.steps[1].config.steps[0].set.s",
            "$.steps[2].config.duration",
            "$.steps[3].config.until",
            "$.steps[4].config.inputs.i",
            "$.steps[5].config.items",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), errors.Where(e => e.Code == DefinitionErrorCodes.Expression).Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ReferenceToAStepThatDoesNotExist_IsAnExpressionError()
    {
        var errors = Errors("""
            id: x
            name: X
            outputs: { total: "${{ steps.summ.output.total }}" }
            steps:
              - { id: sum, type: plugin, config: { plugin: noop }, next_steps: [check] }
              - id: check
                type: condition
                config: { cases: [ { when: "steps.sum.output.ok && steps['gone'].output", next: [] } ] }
            """);

        Assert.Equal(["$.outputs.total", "$.steps[1].config.cases[0].when"], errors.Select(e => e.Path));
        Assert.Contains("Did you mean 'sum'?", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("'gone'", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferencesToNestedSteps_Resolve()
    {
        NoErrors(Errors("""
            id: x
            name: X
            outputs: { last: "${{ steps.inner.output }}" }
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ inputs.list }}"
                  steps: [ { id: inner, type: plugin, config: { plugin: noop } } ]
            """));
    }

    [Fact]
    public void PlainTextItems_CanNeverBeAList()
    {
        var errors = Errors("""
            id: x
            name: X
            steps:
              - { id: each, type: loop, config: { items: inputs.list, steps: [ { id: i, type: plugin, config: { plugin: noop } } ] } }
            """);
        Assert.Equal("$.steps[0].config.items", Single(errors, DefinitionErrorCodes.Expression).Path);
    }

    [Fact]
    public void StringsWithoutTemplates_AreLeftAlone() =>
        NoErrors(Errors("""
            id: x
            name: X
            vars: { price: "costs $5 {not a template}" }
            steps:
              - { id: a, type: plugin, config: { plugin: log, inputs: { message: "a ) b (" } } }
            """));
}
