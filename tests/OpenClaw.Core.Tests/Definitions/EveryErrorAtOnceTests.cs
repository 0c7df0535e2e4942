using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Tests.Definitions;

public class EveryErrorAtOnceTests
{
    [Fact]
    public void ParseAndValidate_DefinitionWithSixDifferentProblems_ReportsAllSixWithPaths()
    {
        const string yaml = """
            id: six-problems
            name: Six problems
            inputs:
              - { name: limit, type: integer, default: many }
            steps:
              - id: fetch
                type: plugin
                config: { plugin: http-request, inputs: { method: GET } }
                next_steps: [proces]
                timeout: soon
              - id: each
                type: loop
                config:
                  items: "${{ steps.fetch.output.items }}"
                  steps:
                    - { id: fetch, type: plugin, config: { plugin: log, inputs: { message: "${{ loop.item + }}" } } }
            """;

        var result = new WorkflowValidator(new TestCatalog()).ParseAndValidate(yaml, DefinitionFormat.Yaml);

        var found = result.Errors.Select(e => (e.Code, e.Path)).ToList();
        (string, string)[] expected =
        [
            (DefinitionErrorCodes.InvalidValue, "$.steps[0].timeout"),
            (DefinitionErrorCodes.TypeMismatch, "$.inputs[0].default"),
            (DefinitionErrorCodes.DuplicateId, "$.steps[1].config.steps[0].id"),
            (DefinitionErrorCodes.UnknownStep, "$.steps[0].next_steps[0]"),
            (DefinitionErrorCodes.MissingConfig, "$.steps[0].config.inputs"),
            (DefinitionErrorCodes.Expression, "$.steps[1].config.steps[0].config.inputs.message"),
        ];
        Assert.Equal(expected.Order(), found.Order());
        Assert.Null(result.Definition);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void ParseAndValidate_ValidDefinition_ReturnsTheDefinition()
    {
        var result = new WorkflowValidator().ParseAndValidate("""{ "id": "ok", "name": "OK", "steps": [ { "id": "a", "type": "plugin", "config": { "plugin": "noop" } } ] }""", DefinitionFormat.Json);
        Assert.True(result.IsValid);
        Assert.Equal("ok", result.Definition!.Id);
    }

    [Fact]
    public void ParseAndValidate_SyntaxError_StopsWithThatOneError()
    {
        var result = new WorkflowValidator().ParseAndValidate("{ \"id\": ", DefinitionFormat.Json);
        Assert.Equal(DefinitionErrorCodes.Syntax, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void ParseAndValidate_FieldTheParserRejected_IsNotReportedAgainAsMissing()
    {
        var result = new WorkflowValidator().ParseAndValidate("""
            { "id": "p", "name": "P", "steps": [ { "id": "a", "type": "plugin", "config": { "plugin": 42 } } ] }
            """, DefinitionFormat.Json);
        Assert.Equal(DefinitionErrorCodes.InvalidType, Assert.Single(result.Errors).Code);
    }
}
