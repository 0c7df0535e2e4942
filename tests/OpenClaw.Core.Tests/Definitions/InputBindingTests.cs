using System.Text.Json.Nodes;
using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Tests.Definitions;

public class InputBindingTests
{
    private static readonly WorkflowDefinition Definition = DefinitionFixtures.ParseYaml("""
        id: bind
        name: Bind
        inputs:
          - { name: customer, type: string, required: true, description: The customer id }
          - { name: limit, type: integer, default: 10 }
          - { name: ratio, type: number }
          - { name: dry_run, type: boolean, default: false }
          - { name: filter, type: object, default: { status: paid } }
          - { name: tags, type: array }
          - { name: extra }
        steps:
          - { id: a, type: plugin, config: { plugin: noop } }
        """);

    [Fact]
    public void BindInputs_AppliesDefaultsForOmittedInputs()
    {
        var (inputs, errors) = WorkflowValidator.BindInputs(Definition, new JsonObject { ["customer"] = "c-1" });

        Assert.Empty(errors);
        Assert.Equal("c-1", (string?)inputs["customer"]);
        Assert.Equal(10, (int?)inputs["limit"]);
        Assert.False((bool?)inputs["dry_run"]);
        Assert.Equal("paid", (string?)inputs["filter"]!["status"]);
        Assert.False(inputs.ContainsKey("ratio"));
        Assert.False(inputs.ContainsKey("tags"));
    }

    [Fact]
    public void BindInputs_SuppliedValuesWinOverDefaults()
    {
        var supplied = new JsonObject
        {
            ["customer"] = "c-2",
            ["limit"] = 3,
            ["ratio"] = 0.5,
            ["tags"] = new JsonArray("a"),
            ["extra"] = new JsonObject { ["any"] = true },
        };

        var (inputs, errors) = WorkflowValidator.BindInputs(Definition, supplied);

        Assert.Empty(errors);
        Assert.Equal(3, (int?)inputs["limit"]);
        Assert.Equal(0.5, (double?)inputs["ratio"]);
        Assert.True((bool?)inputs["extra"]!["any"]);
        Assert.NotSame(supplied["tags"], inputs["tags"]);
        Assert.Equal(5, supplied.Count);
    }

    [Fact]
    public void BindInputs_RequiredInputMissing_IsAnErrorAtItsPath()
    {
        var (_, errors) = WorkflowValidator.BindInputs(Definition, null);

        var error = Assert.Single(errors);
        Assert.Equal((DefinitionErrorCodes.MissingInput, "$.inputs.customer"), (error.Code, error.Path));
        Assert.Contains("The customer id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BindInputs_NullCountsAsNotSupplied()
    {
        var (inputs, errors) = WorkflowValidator.BindInputs(Definition, new JsonObject { ["customer"] = "c", ["limit"] = null });
        Assert.Empty(errors);
        Assert.Equal(10, (int?)inputs["limit"]);
    }

    [Fact]
    public void BindInputs_WrongTypes_AreTypeMismatches()
    {
        var supplied = new JsonObject
        {
            ["customer"] = 42,
            ["limit"] = 2.5,
            ["ratio"] = "half",
            ["dry_run"] = "yes",
            ["filter"] = new JsonArray(),
            ["tags"] = "a,b",
        };

        var (inputs, errors) = WorkflowValidator.BindInputs(Definition, supplied);

        Assert.All(errors, e => Assert.Equal(DefinitionErrorCodes.TypeMismatch, e.Code));
        Assert.Equal(["$.inputs.customer", "$.inputs.limit", "$.inputs.ratio", "$.inputs.dry_run", "$.inputs.filter", "$.inputs.tags"], errors.Select(e => e.Path));
        Assert.Contains("must be an integer", errors[1].Message, StringComparison.Ordinal);
        Assert.False(inputs.ContainsKey("customer"));
    }

    [Fact]
    public void BindInputs_WholeNumberWrittenWithAFraction_IsAnInteger()
    {
        var (inputs, errors) = WorkflowValidator.BindInputs(Definition, JsonNode.Parse("""{ "customer": "c", "limit": 4.0 }""")!.AsObject());
        Assert.Empty(errors);
        Assert.Equal(4, (int?)inputs["limit"]);
    }

    [Fact]
    public void BindInputs_UndeclaredInput_IsAnErrorWithSuggestion()
    {
        var (_, errors) = WorkflowValidator.BindInputs(Definition, new JsonObject { ["customer"] = "c", ["limt"] = 5 });

        var error = Assert.Single(errors);
        Assert.Equal((DefinitionErrorCodes.UnknownInput, "$.inputs.limt"), (error.Code, error.Path));
        Assert.Contains("Did you mean 'limit'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BindInputs_DefaultsAreCopies()
    {
        var (first, _) = WorkflowValidator.BindInputs(Definition, new JsonObject { ["customer"] = "c" });
        first["filter"]!["status"] = "changed";
        var (second, _) = WorkflowValidator.BindInputs(Definition, new JsonObject { ["customer"] = "c" });
        Assert.Equal("paid", (string?)second["filter"]!["status"]);
    }
}
