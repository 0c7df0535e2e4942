using System.Text.Json;
using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Tests.Definitions;

public class WorkflowDefinitionWriterTests
{
    [Fact]
    public void ToJson_ThenParse_GivesTheSameDefinition()
    {
        var original = DefinitionFixtures.ParseJson(JsonParsingTests.OrderSync);

        string json = WorkflowDefinitionWriter.ToJson(original);
        var reread = DefinitionFixtures.ParseJson(json);

        Assert.Equal(json, WorkflowDefinitionWriter.ToJson(reread));
        Assert.Equal(original.AllSteps().Select(s => (s.Id, s.Path, s.Timeout, s.Retry, s.OnFailure)), reread.AllSteps().Select(s => (s.Id, s.Path, s.Timeout, s.Retry, s.OnFailure)));
        Assert.Equal(original.Inputs.Select(i => (i.Name, i.Type, i.Required)), reread.Inputs.Select(i => (i.Name, i.Type, i.Required)));
    }

    [Fact]
    public void ToJson_SampleWorkflows_RoundTrip()
    {
        var original = DefinitionFixtures.ParseYaml(File.ReadAllText(Path.Combine(DefinitionFixtures.SamplesFolder(), "order-pipeline.yaml")));
        string json = WorkflowDefinitionWriter.ToJson(original, indented: false);
        Assert.Equal(json, WorkflowDefinitionWriter.ToJson(DefinitionFixtures.ParseJson(json), indented: false));
    }

    [Fact]
    public void ToJson_LeavesDefaultsOutAndNormalisesDurations()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: w
            name: W
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, timeout: PT90S }
              - { id: b, type: plugin, config: { plugin: noop }, timeout: 300 }
            """);

        using var document = JsonDocument.Parse(WorkflowDefinitionWriter.ToJson(definition));
        var steps = document.RootElement.GetProperty("steps");
        Assert.Equal("1m30s", steps[0].GetProperty("timeout").GetString());
        Assert.False(steps[1].TryGetProperty("timeout", out _));
        Assert.False(steps[0].TryGetProperty("retry", out _));
        Assert.False(steps[0].TryGetProperty("next_steps", out _));
        Assert.Equal(1, document.RootElement.GetProperty("version").GetInt32());
    }

    [Fact]
    public void ToJson_KeepsTemplatesReadable()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: w
            name: W
            steps:
              - { id: a, type: condition, config: { cases: [ { when: "vars.n < 10 && vars.ok", next: [] } ] } }
            """);
        Assert.Contains("vars.n < 10 && vars.ok", WorkflowDefinitionWriter.ToJson(definition), StringComparison.Ordinal);
    }

    [Fact]
    public void DesignerLayout_IsKeptThroughReadAndWrite()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: w
            name: W
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, ui: { x: 120, y: -40 } }
              - { id: b, type: plugin, config: { plugin: noop } }
            """);

        using var document = JsonDocument.Parse(WorkflowDefinitionWriter.ToJson(definition));
        var steps = document.RootElement.GetProperty("steps");
        Assert.Equal(120, steps[0].GetProperty("ui").GetProperty("x").GetInt32());
        Assert.Equal(-40, steps[0].GetProperty("ui").GetProperty("y").GetInt32());
        Assert.False(steps[1].TryGetProperty("ui", out _));
    }

    [Fact]
    public void DesignerLayout_MustBeAnObject()
    {
        var result = new WorkflowValidator().ParseAndValidate("""
            id: w
            name: W
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, ui: [1, 2] }
            """, DefinitionFormat.Yaml);

        Assert.Contains(result.Errors, e => e.Path == "$.steps[0].ui");
    }
}
