using System.Text.Json;
using OpenClaw.Core.Definitions;
using ValueType = OpenClaw.Core.Definitions.ValueType;

namespace OpenClaw.Core.Tests.Definitions;

public class YamlParsingTests
{
    /// <summary>The same workflow as <see cref="JsonParsingTests.OrderSync"/>, written the way people write YAML.</summary>
    private const string OrderSync = """
        id: order-sync
        name: Order sync
        description: Copies orders.
        version: 2
        inputs:
          - { name: customer, type: string, required: true, description: Who }
          - name: limit
            type: integer
            default: 10
          - name: list
        outputs: { total: "${{ steps.sum.output.total }}" }
        vars: { count: 0, label: x }
        on_failure_workflow: notify-ops
        steps:
          - id: fetch
            type: plugin
            name: Fetch orders
            config:
              plugin: http-request
              version: "1.0.0"
              inputs:
                url: https://shop/${{ inputs.customer }}
            next_steps: [check]
            on_failure: alert
            timeout: 30s
            retry: { max_retries: 2, backoff: fixed, base_delay: 500ms }
            set: { count: "${{ output.count }}" }
          - id: check
            type: condition
            config:
              cases:
                - when: "${{ steps.fetch.output.status == 200 }}"
                  next: [each]
              default: alert
          - id: each
            type: loop
            config:
              items: "${{ inputs.list }}"
              concurrency: 4
              steps:
                - { id: sum, type: plugin, config: { plugin: transform, inputs: { data: 1 } } }
              output: "${{ steps.sum.output }}"
            next_steps: [fan]
          - id: fan
            type: parallel
            config:
              mode: fail_fast
              branches:
                - name: a
                  steps: [ { id: a1, type: delay, config: { duration: 10 } } ]
                - name: b
                  steps: [ { id: b1, type: delay, config: { until: "2026-01-01T00:00:00Z" } } ]
            next_steps: [child]
          - id: child
            type: subworkflow
            config: { workflow: other-id, version: 2, inputs: { n: 1 } }
          - id: alert
            type: plugin
            config: { plugin: log, inputs: { message: failed } }
        """;

    [Fact]
    public void Parse_SameDefinitionInJsonAndYaml_GivesEqualModels()
    {
        var fromYaml = DefinitionFixtures.ParseYaml(OrderSync);
        var fromJson = DefinitionFixtures.ParseJson(JsonParsingTests.OrderSync);

        Assert.Equal(WorkflowDefinitionWriter.ToJson(fromJson), WorkflowDefinitionWriter.ToJson(fromYaml));
        Assert.Equal(fromJson.AllSteps().Select(s => (s.Id, s.Path, s.Type, s.Timeout, s.Retry)), fromYaml.AllSteps().Select(s => (s.Id, s.Path, s.Type, s.Timeout, s.Retry)));
        foreach (var (json, yaml) in fromJson.AllSteps().Zip(fromYaml.AllSteps()))
            Assert.True(JsonElement.DeepEquals(json.RawConfig, yaml.RawConfig), $"raw config of {json.Id} differs");
        Assert.Equal(fromJson.Inputs.Select(i => (i.Name, i.Type, i.Required, i.Description)), fromYaml.Inputs.Select(i => (i.Name, i.Type, i.Required, i.Description)));
    }

    [Fact]
    public void Parse_PlainScalars_FollowTheCoreSchema()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: s
            name: S
            vars:
              int: 42
              negative: -7
              hex: 0x1F
              octal: 0o17
              float: 1.5
              exponent: 1e3
              yes_is_text: yes
              on_is_text: on
              bool: true
              shouty: FALSE
              tilde: ~
              empty:
              version_text: 1.0.0
              date_text: 2026-01-01
              duration_text: 30s
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """);

        var vars = definition.Vars;
        Assert.Equal(42, vars["int"].GetInt64());
        Assert.Equal(-7, vars["negative"].GetInt64());
        Assert.Equal(31, vars["hex"].GetInt64());
        Assert.Equal(15, vars["octal"].GetInt64());
        Assert.Equal(1.5m, vars["float"].GetDecimal());
        Assert.Equal(1000m, vars["exponent"].GetDecimal());
        Assert.Equal("yes", vars["yes_is_text"].GetString());
        Assert.Equal("on", vars["on_is_text"].GetString());
        Assert.Equal(JsonValueKind.True, vars["bool"].ValueKind);
        Assert.Equal(JsonValueKind.False, vars["shouty"].ValueKind);
        Assert.Equal(JsonValueKind.Null, vars["tilde"].ValueKind);
        Assert.Equal(JsonValueKind.Null, vars["empty"].ValueKind);
        Assert.Equal("1.0.0", vars["version_text"].GetString());
        Assert.Equal("2026-01-01", vars["date_text"].GetString());
        Assert.Equal("30s", vars["duration_text"].GetString());
    }

    [Fact]
    public void Parse_QuotedAndBlockScalars_StayStrings()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: s
            name: S
            vars:
              double: "42"
              single: 'true'
              nothing: "null"
              tagged: !!str 3.5
              literal: |
                7
              folded: >
                false
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """);

        Assert.All(definition.Vars.Values, v => Assert.Equal(JsonValueKind.String, v.ValueKind));
        Assert.Equal("42", definition.Vars["double"].GetString());
        Assert.Equal("3.5", definition.Vars["tagged"].GetString());
        Assert.Equal("7\n", definition.Vars["literal"].GetString());
    }

    [Fact]
    public void Parse_AnchorsAliasesAndMergeKeys_AreExpanded()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: s
            name: S
            vars:
              base: &defaults { retries: 3, region: eu }
              copy: *defaults
              merged:
                <<: *defaults
                region: us
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, retry: &retry { max_retries: 7 } }
              - { id: b, type: plugin, config: { plugin: noop }, retry: *retry }
            """);

        Assert.True(JsonElement.DeepEquals(definition.Vars["base"], definition.Vars["copy"]));
        Assert.Equal(3, definition.Vars["merged"].GetProperty("retries").GetInt32());
        Assert.Equal("us", definition.Vars["merged"].GetProperty("region").GetString());
        Assert.Equal(7, definition.Steps[1].Retry.MaxRetries);
    }

    [Fact]
    public void Parse_QuotedVersion_StaysTextButABareFloatIsATypeError()
    {
        var result = WorkflowDefinitionParser.Parse("""
            id: s
            name: S
            steps:
              - { id: a, type: plugin, config: { plugin: noop, version: 1.0 } }
            """, DefinitionFormat.Yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("$.steps[0].config.version", DefinitionErrorCodes.InvalidType), (error.Path, error.Code));
    }

    [Fact]
    public void Parse_SyntaxError_GivesLineAndColumn()
    {
        var result = WorkflowDefinitionParser.Parse("id: s\nname: S\nsteps:\n  - id: a\n   type: plugin\n", DefinitionFormat.Yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DefinitionErrorCodes.Syntax, error.Code);
        Assert.Matches(@"^Invalid YAML at line \d+, column \d+: ", error.Message);
        Assert.Null(result.Definition);
    }

    [Fact]
    public void Parse_DuplicateKey_NamesBothLines()
    {
        var result = WorkflowDefinitionParser.Parse("""
            id: s
            name: S
            steps:
              - id: a
                type: plugin
                config: { plugin: noop }
                timeout: 5s
                timeout: 10s
            """, DefinitionFormat.Yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal((DefinitionErrorCodes.DuplicateKey, "$.steps[0].timeout"), (error.Code, error.Path));
        Assert.Contains("line 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownAlias_IsAnError()
    {
        var result = WorkflowDefinitionParser.Parse("id: s\nname: *nowhere\nsteps: []\n", DefinitionFormat.Yaml);
        Assert.Contains(result.Errors, e => e.Code == DefinitionErrorCodes.Syntax);
    }

    [Fact]
    public void Parse_SeveralDocuments_IsAnError()
    {
        var result = WorkflowDefinitionParser.Parse("id: a\n---\nid: b\n", DefinitionFormat.Yaml);
        Assert.Contains("one YAML document", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("- a\n- b\n")]
    [InlineData("just text")]
    public void Parse_EmptyOrNonMappingDocument_IsAnError(string yaml)
    {
        var result = WorkflowDefinitionParser.Parse(yaml, DefinitionFormat.Yaml);
        Assert.Equal("$", Assert.Single(result.Errors).Path);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Parse_AliasBomb_IsRejectedNotExpanded()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (int i = 1; i < 10; i++)
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        var result = WorkflowDefinitionParser.Parse(string.Join("\n", lines), DefinitionFormat.Yaml);
        Assert.Contains("aliases", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InputTypesInYaml_AreRead()
    {
        var definition = DefinitionFixtures.ParseYaml("""
            id: s
            name: S
            inputs:
              - { name: n, type: number, default: 2.5 }
              - { name: flag, type: boolean, default: false }
              - { name: tags, type: array, default: [a, b] }
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """);
        Assert.Equal([ValueType.Number, ValueType.Boolean, ValueType.Array], definition.Inputs.Select(i => i.Type));
        Assert.Equal(2, definition.Inputs[2].Default!.Value.GetArrayLength());
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(70, false)]
    [InlineData(100_000, false)]
    public void Parse_DeepNesting_IsBoundedLikeJson(int depth, bool accepted)
    {
        string yaml = "id: s\nname: S\nvars:\n  deep: " + new string('[', depth) + new string(']', depth) + "\nsteps:\n  - { id: a, type: plugin, config: { plugin: noop } }\n";
        var result = WorkflowDefinitionParser.Parse(yaml, DefinitionFormat.Yaml);
        Assert.Equal(accepted, result.IsValid);
        if (!accepted) Assert.Contains("nested", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
