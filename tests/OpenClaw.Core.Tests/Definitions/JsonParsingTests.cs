using System.Text.Json;
using OpenClaw.Core.Definitions;
using ValueType = OpenClaw.Core.Definitions.ValueType;

namespace OpenClaw.Core.Tests.Definitions;

public class JsonParsingTests
{
    internal const string OrderSync = """
        {
          "id": "order-sync",
          "name": "Order sync",
          "description": "Copies orders.",
          "version": 2,
          "inputs": [
            { "name": "customer", "type": "string", "required": true, "description": "Who" },
            { "name": "limit", "type": "integer", "default": 10 },
            { "name": "list" }
          ],
          "outputs": { "total": "${{ steps.sum.output.total }}" },
          "vars": { "count": 0, "label": "x" },
          "on_failure_workflow": "notify-ops",
          "steps": [
            {
              "id": "fetch",
              "type": "plugin",
              "name": "Fetch orders",
              "config": { "plugin": "http-request", "version": "1.0.0", "inputs": { "url": "https://shop/${{ inputs.customer }}" } },
              "next_steps": ["check"],
              "on_failure": "alert",
              "timeout": "30s",
              "retry": { "max_retries": 2, "backoff": "fixed", "base_delay": "500ms" },
              "set": { "count": "${{ output.count }}" }
            },
            {
              "id": "check",
              "type": "condition",
              "config": {
                "cases": [ { "when": "${{ steps.fetch.output.status == 200 }}", "next": ["each"] } ],
                "default": "alert"
              }
            },
            {
              "id": "each",
              "type": "loop",
              "config": {
                "items": "${{ inputs.list }}",
                "concurrency": 4,
                "steps": [ { "id": "sum", "type": "plugin", "config": { "plugin": "transform", "inputs": { "data": 1 } } } ],
                "output": "${{ steps.sum.output }}"
              },
              "next_steps": ["fan"]
            },
            {
              "id": "fan",
              "type": "parallel",
              "config": {
                "mode": "fail_fast",
                "branches": [
                  { "name": "a", "steps": [ { "id": "a1", "type": "delay", "config": { "duration": 10 } } ] },
                  { "name": "b", "steps": [ { "id": "b1", "type": "delay", "config": { "until": "2026-01-01T00:00:00Z" } } ] }
                ]
              },
              "next_steps": ["child"]
            },
            { "id": "child", "type": "subworkflow", "config": { "workflow": "other-id", "version": 2, "inputs": { "n": 1 } } },
            { "id": "alert", "type": "plugin", "config": { "plugin": "log", "inputs": { "message": "failed" } } }
          ]
        }
        """;

    [Fact]
    public void Parse_FullDefinition_FillsTheModel()
    {
        var definition = DefinitionFixtures.ParseJson(OrderSync);

        Assert.Equal("order-sync", definition.Id);
        Assert.Equal("Order sync", definition.Name);
        Assert.Equal("Copies orders.", definition.Description);
        Assert.Equal(2, definition.Version);
        Assert.Equal("notify-ops", definition.OnFailureWorkflow);
        Assert.Equal(3, definition.Inputs.Count);
        Assert.Equal(new InputDefinition("customer", ValueType.String, true, null, "Who"), definition.Inputs[0]);
        Assert.Equal(ValueType.Integer, definition.Inputs[1].Type);
        Assert.Equal(10, definition.Inputs[1].Default!.Value.GetInt32());
        Assert.Equal(ValueType.Any, definition.Inputs[2].Type);
        Assert.False(definition.Inputs[2].Required);
        Assert.Equal("${{ steps.sum.output.total }}", definition.Outputs["total"].GetString());
        Assert.Equal(0, definition.Vars["count"].GetInt32());
        Assert.Equal(["fetch", "check", "each", "fan", "child", "alert"], definition.Steps.Select(s => s.Id));
    }

    [Fact]
    public void Parse_PluginStep_ReadsEveryStepField()
    {
        var fetch = DefinitionFixtures.ParseJson(OrderSync).Steps[0];

        Assert.Equal(StepType.Plugin, fetch.Type);
        Assert.Equal("Fetch orders", fetch.Name);
        Assert.Equal(["check"], fetch.NextSteps);
        Assert.Equal("alert", fetch.OnFailure);
        Assert.Equal(TimeSpan.FromSeconds(30), fetch.Timeout);
        Assert.Equal(new RetryPolicy(2, BackoffKind.Fixed, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(5), false), fetch.Retry);
        Assert.Equal("${{ output.count }}", fetch.Set["count"].GetString());
        var config = Assert.IsType<PluginStepConfig>(fetch.Config);
        Assert.Equal("http-request", config.Plugin);
        Assert.Equal("1.0.0", config.Version);
        Assert.Equal("https://shop/${{ inputs.customer }}", config.Inputs.GetProperty("url").GetString());
        Assert.Equal("http-request", fetch.RawConfig.GetProperty("plugin").GetString());
        Assert.Equal("$.steps[0]", fetch.Path);
    }

    [Fact]
    public void Parse_EachStepType_GetsItsTypedConfig()
    {
        var steps = DefinitionFixtures.ParseJson(OrderSync).Steps;

        var condition = Assert.IsType<ConditionStepConfig>(steps[1].Config);
        Assert.Equal("${{ steps.fetch.output.status == 200 }}", Assert.Single(condition.Cases).When);
        Assert.Equal(["each"], condition.Cases[0].Next);
        Assert.Equal(["alert"], condition.Default);

        var loop = Assert.IsType<LoopStepConfig>(steps[2].Config);
        Assert.Equal("${{ inputs.list }}", loop.Items);
        Assert.Null(loop.While);
        Assert.Equal(4, loop.Concurrency);
        Assert.Equal(LoopStepConfig.DefaultMaxIterations, loop.MaxIterations);
        Assert.Equal("${{ steps.sum.output }}", loop.Output!.Value.GetString());

        var parallel = Assert.IsType<ParallelStepConfig>(steps[3].Config);
        Assert.Equal(ParallelMode.FailFast, parallel.Mode);
        Assert.Equal(["a", "b"], parallel.Branches.Select(b => b.Name));
        Assert.Equal(new DelayStepConfig("10", null), parallel.Branches[0].Steps[0].Config);
        Assert.Equal(new DelayStepConfig(null, "2026-01-01T00:00:00Z"), parallel.Branches[1].Steps[0].Config);

        var child = Assert.IsType<SubworkflowStepConfig>(steps[4].Config);
        Assert.Equal("other-id", child.Workflow);
        Assert.Equal(2, child.Version);
        Assert.Equal(1, child.Inputs.GetProperty("n").GetInt32());
    }

    [Fact]
    public void Parse_NestedSteps_GetJsonPathsThroughTheirParents()
    {
        var definition = DefinitionFixtures.ParseJson(OrderSync);

        var paths = definition.AllSteps().ToDictionary(s => s.Id, s => s.Path);
        Assert.Equal("$.steps[2].config.steps[0]", paths["sum"]);
        Assert.Equal("$.steps[3].config.branches[0].steps[0]", paths["a1"]);
        Assert.Equal("$.steps[3].config.branches[1].steps[0]", paths["b1"]);
    }

    [Fact]
    public void Parse_Defaults_AreAppliedWhenFieldsAreOmitted()
    {
        var definition = DefinitionFixtures.ParseJson("""
            { "id": "d", "name": "D", "steps": [ { "id": "a", "type": "plugin", "config": { "plugin": "noop" } } ] }
            """);

        Assert.Equal(1, definition.Version);
        Assert.Null(definition.Description);
        Assert.Empty(definition.Inputs);
        var step = definition.Steps[0];
        Assert.Null(step.Name);
        Assert.Empty(step.NextSteps);
        Assert.Null(step.OnFailure);
        Assert.Equal(StepDefinition.DefaultTimeout, step.Timeout);
        Assert.Equal(RetryPolicy.Default, step.Retry);
        Assert.Empty(step.Set);
        Assert.Equal(JsonValueKind.Object, ((PluginStepConfig)step.Config).Inputs.ValueKind);
    }

    [Fact]
    public void Parse_JsonElement_OutlivesTheCallersDocument()
    {
        DefinitionParseResult result;
        using (var document = JsonDocument.Parse(OrderSync))
            result = WorkflowDefinitionParser.Parse(document.RootElement);

        Assert.True(result.IsValid);
        var step = result.Definition!.Steps[0];
        Assert.Equal("http-request", step.RawConfig.GetProperty("plugin").GetString());
        Assert.Equal("https://shop/${{ inputs.customer }}", ((PluginStepConfig)step.Config).Inputs.GetProperty("url").GetString());
        Assert.Equal(10, result.Definition.Inputs[1].Default!.Value.GetInt32());
    }

    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreTolerated()
    {
        var definition = DefinitionFixtures.ParseJson("""
            {
              // hand-written
              "id": "c", "name": "C",
              "steps": [ { "id": "a", "type": "plugin", "config": { "plugin": "noop" }, }, ],
            }
            """);
        Assert.Equal("a", Assert.Single(definition.Steps).Id);
    }

    [Fact]
    public void Parse_SyntaxError_GivesLineAndColumn()
    {
        var result = WorkflowDefinitionParser.Parse("{\n  \"id\": \"x\",\n  \"name\": oops\n}", DefinitionFormat.Json);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DefinitionErrorCodes.Syntax, error.Code);
        Assert.Equal("$", error.Path);
        Assert.StartsWith("Invalid JSON at line 3, column 11:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Definition);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_EmptyText_IsAnError(string text) =>
        Assert.Equal(DefinitionErrorCodes.Syntax, Assert.Single(WorkflowDefinitionParser.Parse(text, DefinitionFormat.Json).Errors).Code);

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    public void Parse_RootNotAnObject_IsAnError(string json)
    {
        var error = Assert.Single(WorkflowDefinitionParser.Parse(json, DefinitionFormat.Json).Errors);
        Assert.Equal(DefinitionErrorCodes.InvalidType, error.Code);
        Assert.Equal("$", error.Path);
    }

    [Fact]
    public void Parse_UnknownKeys_AreErrorsWithSuggestions()
    {
        var result = WorkflowDefinitionParser.Parse("""
            {
              "id": "u", "name": "U", "descripton": "typo",
              "steps": [
                { "id": "a", "type": "plugin", "config": { "plugin": "noop", "input": {} }, "next_step": ["b"] },
                { "id": "b", "type": "plugin", "config": { "plugin": "noop" }, "colour": "red" }
              ]
            }
            """, DefinitionFormat.Json);

        Assert.All(result.Errors, e => Assert.Equal(DefinitionErrorCodes.UnknownField, e.Code));
        var byPath = result.Errors.ToDictionary(e => e.Path, e => e.Message);
        Assert.Equal(4, byPath.Count);
        Assert.Contains("Did you mean 'description'?", byPath["$.descripton"], StringComparison.Ordinal);
        Assert.Contains("Did you mean 'next_steps'?", byPath["$.steps[0].next_step"], StringComparison.Ordinal);
        Assert.Contains("Did you mean 'inputs'?", byPath["$.steps[0].config.input"], StringComparison.Ordinal);
        Assert.DoesNotContain("Did you mean", byPath["$.steps[1].colour"], StringComparison.Ordinal);
        Assert.Contains("Known keys:", byPath["$.steps[1].colour"], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StructuralErrors_AreAllCollected()
    {
        var result = WorkflowDefinitionParser.Parse("""
            {
              "id": "Bad Id",
              "version": 0,
              "inputs": [ { "type": "text" } ],
              "vars": { "bad name": 1 },
              "steps": [
                { "type": "plugin", "config": { "plugin": 42 } },
                { "id": "b", "type": "teleport" },
                { "id": "c", "type": "loop", "config": { "items": "${{ inputs.x }}", "concurrency": 0, "steps": "none" } },
                { "id": "d", "type": "delay", "config": { "duration": "forever" }, "next_steps": "e", "on_failure": 5 },
                { "id": "e", "type": "parallel", "config": { "mode": "race", "branches": [] } },
                "not a step"
              ]
            }
            """, DefinitionFormat.Json);

        var found = result.Errors.Select(e => (e.Path, e.Code)).ToHashSet();
        (string, string)[] expected =
        [
            ("$.id", DefinitionErrorCodes.InvalidValue),
            ("$", DefinitionErrorCodes.MissingField),
            ("$.version", DefinitionErrorCodes.InvalidValue),
            ("$.inputs[0]", DefinitionErrorCodes.MissingField),
            ("$.inputs[0].type", DefinitionErrorCodes.InvalidValue),
            ("$.vars['bad name']", DefinitionErrorCodes.InvalidValue),
            ("$.steps[0]", DefinitionErrorCodes.MissingField),
            ("$.steps[0].config.plugin", DefinitionErrorCodes.InvalidType),
            ("$.steps[1].type", DefinitionErrorCodes.InvalidValue),
            ("$.steps[2].config.concurrency", DefinitionErrorCodes.InvalidValue),
            ("$.steps[2].config.steps", DefinitionErrorCodes.InvalidType),
            ("$.steps[3].config.duration", DefinitionErrorCodes.InvalidValue),
            ("$.steps[3].next_steps", DefinitionErrorCodes.InvalidType),
            ("$.steps[3].on_failure", DefinitionErrorCodes.InvalidType),
            ("$.steps[4].config.mode", DefinitionErrorCodes.InvalidValue),
            ("$.steps[5]", DefinitionErrorCodes.InvalidType),
        ];
        foreach (var item in expected)
            Assert.True(found.Contains(item), $"Missing {item}; got:\n{string.Join("\n", result.Errors.Select(e => $"[{e.Code}] {e}"))}");
        Assert.Equal(expected.Length, result.Errors.Count);
        Assert.Null(result.Definition);
    }

    [Fact]
    public void Parse_BadEnumValue_ListsTheAllowedOnes()
    {
        var result = WorkflowDefinitionParser.Parse("""
            { "id": "e", "name": "E", "steps": [ { "id": "a", "type": "plugn" } ] }
            """, DefinitionFormat.Json);

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.steps[0].type", error.Path);
        Assert.Contains("Did you mean 'plugin'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("plugin, condition, loop, parallel, delay, subworkflow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EnumValues_IgnoreCaseAndSeparators()
    {
        var definition = DefinitionFixtures.ParseJson("""
            { "id": "e", "name": "E", "steps": [ { "id": "a", "type": "Parallel", "config": { "mode": "fail-fast", "branches": [] } } ] }
            """);
        Assert.Equal(ParallelMode.FailFast, ((ParallelStepConfig)definition.Steps[0].Config).Mode);
    }

    [Fact]
    public void Parse_DuplicateKey_IsAnError()
    {
        var result = WorkflowDefinitionParser.Parse("""
            { "id": "d", "name": "D", "name": "Again", "steps": [ { "id": "a", "type": "plugin", "config": { "plugin": "noop" } } ] }
            """, DefinitionFormat.Json);
        var error = Assert.Single(result.Errors);
        Assert.Equal((DefinitionErrorCodes.DuplicateKey, "$.name"), (error.Code, error.Path));
    }

    [Fact]
    public void Parse_StepIdRules_AreEnforced()
    {
        var result = WorkflowDefinitionParser.Parse("""
            { "id": "d", "name": "D", "steps": [
              { "id": "9lives", "type": "plugin", "config": { "plugin": "noop" } },
              { "id": "_ok-Id_2", "type": "plugin", "config": { "plugin": "noop" } } ] }
            """, DefinitionFormat.Json);
        Assert.Equal("$.steps[0].id", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void Parse_ConfigThatIsNotAnObject_IsAnErrorAndTheRestIsStillRead()
    {
        var result = WorkflowDefinitionParser.Parse("""
            { "id": "d", "name": "D", "steps": [ { "id": "a", "type": "plugin", "config": "noop", "timeout": "x" } ] }
            """, DefinitionFormat.Json);
        Assert.Equal(["$.steps[0].config", "$.steps[0].timeout"], result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_LiteralDelayUntil_MustBeATimestamp()
    {
        var result = WorkflowDefinitionParser.Parse("""
            { "id": "d", "name": "D", "steps": [
              { "id": "a", "type": "delay", "config": { "until": "next tuesday" } },
              { "id": "b", "type": "delay", "config": { "until": "${{ inputs.when }}" } } ] }
            """, DefinitionFormat.Json);
        Assert.Equal("$.steps[0].config.until", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void Parse_NextStepsListingAStepTwice_IsAnError()
    {
        var result = WorkflowDefinitionParser.Parse("""
            { "id": "d", "name": "D", "steps": [ { "id": "a", "type": "plugin", "config": { "plugin": "noop" }, "next_steps": ["b", "b"] } ] }
            """, DefinitionFormat.Json);
        Assert.Equal("$.steps[0].next_steps[1]", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void Parse_MissingOrEmptySteps_IsAnError()
    {
        Assert.Equal("$", Assert.Single(WorkflowDefinitionParser.Parse("""{ "id": "d", "name": "D" }""", DefinitionFormat.Json).Errors).Path);
        Assert.Equal("$.steps", Assert.Single(WorkflowDefinitionParser.Parse("""{ "id": "d", "name": "D", "steps": [] }""", DefinitionFormat.Json).Errors).Path);
    }

    [Fact]
    public void Parse_DeepNesting_IsASyntaxErrorNotACrash()
    {
        string json = "{\"id\": \"d\", \"name\": \"D\", \"vars\": {\"deep\": " + new string('[', 100_000) + new string(']', 100_000) + "}}";
        Assert.Equal(DefinitionErrorCodes.Syntax, Assert.Single(WorkflowDefinitionParser.Parse(json, DefinitionFormat.Json).Errors).Code);
    }
}
