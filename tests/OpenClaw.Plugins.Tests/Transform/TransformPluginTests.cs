using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Plugins.Transform;

namespace OpenClaw.Plugins.Tests.Transform;

/// <summary>Each transform operation, paths with indexes, and the error messages authors see.</summary>
public sealed class TransformPluginTests
{
    private readonly TransformPlugin _plugin = new();

    private async Task<JsonNode?> Run(string data, string operations)
    {
        var output = await _plugin.ExecuteAsync(
            new JsonObject { ["data"] = JsonNode.Parse(data), ["operations"] = JsonNode.Parse(operations) }, new TestPluginContext());
        return output["data"];
    }

    private async Task<PluginException> Fails(string data, string operations)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run(data, operations));
        Assert.False(error.Retryable);
        return error;
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected} but got {actual?.ToJsonString() ?? "null"}");

    [Fact]
    public async Task Set_ReplacesAValue_AtANestedIndexedPath()
    {
        var result = await Run("""{"a":{"b":[{"c":1},{"c":2}]}}""", """[{"op":"set","path":"a.b[1].c","value":{"x":true}}]""");

        AssertJson("""{"a":{"b":[{"c":1},{"c":{"x":true}}]}}""", result);
    }

    [Fact]
    public async Task Set_CreatesIntermediateObjectsAndArrays()
    {
        var result = await Run("{}", """[{"op":"set","path":"a.b.c","value":1},{"op":"set","path":"list[0].name","value":"n"}]""");

        AssertJson("""{"a":{"b":{"c":1}},"list":[{"name":"n"}]}""", result);
    }

    [Fact]
    public async Task Set_AppendsAtTheIndexAfterTheLast()
    {
        var result = await Run("""{"xs":[1,2]}""", """[{"op":"set","path":"xs[2]","value":3}]""");

        AssertJson("""{"xs":[1,2,3]}""", result);
    }

    [Fact]
    public async Task Set_ReplacesANullParent_AndAcceptsANullValue()
    {
        var result = await Run("""{"a":null}""", """[{"op":"set","path":"a.b","value":null}]""");

        AssertJson("""{"a":{"b":null}}""", result);
    }

    [Fact]
    public async Task Set_AtTheRoot_ReplacesTheData()
    {
        var result = await Run("""{"old":1}""", """[{"op":"set","path":"$","value":[1]}]""");

        AssertJson("[1]", result);
    }

    [Fact]
    public async Task Set_SupportsQuotedNamesContainingDots()
    {
        var result = await Run("{}", """[{"op":"set","path":"headers['content.type']","value":"x"}]""");

        AssertJson("""{"headers":{"content.type":"x"}}""", result);
    }

    [Fact]
    public async Task Set_IndexBeyondTheEnd_Fails()
    {
        var error = await Fails("""{"xs":[1]}""", """[{"op":"set","path":"xs[5]","value":0}]""");

        Assert.Equal("operations[0]: path 'xs[5]': index 5 is out of range for 'xs' (it has 1 item)", error.Message);
    }

    [Fact]
    public async Task Set_ThroughAScalar_Fails()
    {
        var error = await Fails("""{"a":{"b":"text"}}""", """[{"op":"set","path":"a.b.c","value":0}]""");

        Assert.Equal("operations[0]: path 'a.b.c': 'a.b' is a string, not an object", error.Message);
    }

    [Fact]
    public async Task Set_WithoutValue_Fails()
    {
        var error = await Fails("{}", """[{"op":"set","path":"a"}]""");

        Assert.Equal("operations[0]: 'value' is required for set", error.Message);
    }

    [Fact]
    public async Task Rename_MovesAValue_CreatingTheTargetParents()
    {
        var result = await Run("""{"a":{"b":1,"keep":2}}""", """[{"op":"rename","from":"a.b","to":"x.y"}]""");

        AssertJson("""{"a":{"keep":2},"x":{"y":1}}""", result);
    }

    [Fact]
    public async Task Rename_MissingSource_FailsNamingTheOperationAndPath()
    {
        var error = await Fails("""{"a":{}}""", """[{"op":"set","path":"z","value":1},{"op":"set","path":"y","value":1},{"op":"rename","from":"a.b","to":"c"}]""");

        Assert.Equal("operations[2]: path 'a.b' does not exist", error.Message);
    }

    [Fact]
    public async Task Remove_DeletesPropertiesAndArrayElements()
    {
        var result = await Run("""{"x":{"y":1,"z":2},"xs":[1,2,3]}""", """[{"op":"remove","path":"x.y"},{"op":"remove","path":"xs[1]"}]""");

        AssertJson("""{"x":{"z":2},"xs":[1,3]}""", result);
    }

    [Fact]
    public async Task Remove_MissingPath_Fails()
    {
        var error = await Fails("""{"x":{}}""", """[{"op":"remove","path":"x.pasword"}]""");

        Assert.Equal("operations[0]: path 'x.pasword' does not exist", error.Message);
    }

    [Fact]
    public async Task Map_ReplacesEachElementWithTheMappedFields()
    {
        var result = await Run(
            """{"users":[{"id":1,"profile":{"name":"Ann"},"tags":["a"]},{"id":2,"profile":{}}]}""",
            """[{"op":"map","path":"users","fields":{"key":"id","name":"profile.name","first_tag":"tags[0]"}}]""");

        AssertJson("""{"users":[{"key":1,"name":"Ann","first_tag":"a"},{"key":2,"name":null,"first_tag":null}]}""", result);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$")]
    public async Task Map_AtTheRoot_MapsATopLevelArray(string path)
    {
        var result = await Run("""[{"a":1},{"a":2}]""", $$$"""[{"op":"map","path":"{{{path}}}","fields":{"b":"a","self":"$"}}]""");

        AssertJson("""[{"b":1,"self":{"a":1}},{"b":2,"self":{"a":2}}]""", result);
    }

    [Fact]
    public async Task Map_OnANonArray_Fails()
    {
        var error = await Fails("""{"users":{"id":1}}""", """[{"op":"map","path":"users","fields":{"k":"id"}}]""");

        Assert.Equal("operations[0]: map path 'users' is an object, not an array", error.Message);
    }

    [Fact]
    public async Task Pick_KeepsOnlyTheListedPaths_InTheirStructure()
    {
        var result = await Run(
            """{"id":7,"secret":"s","user":{"name":"Ann","password":"p"},"items":[{"sku":"a","cost":1},{"sku":"b","cost":2}]}""",
            """[{"op":"pick","paths":["id","user.name","items[1].sku"]}]""");

        AssertJson("""{"id":7,"user":{"name":"Ann"},"items":[null,{"sku":"b"}]}""", result);
    }

    [Fact]
    public async Task Pick_MissingPath_Fails()
    {
        var error = await Fails("""{"id":1}""", """[{"op":"pick","paths":["id","nope"]}]""");

        Assert.Equal("operations[0]: path 'nope' does not exist", error.Message);
    }

    [Fact]
    public async Task Merge_DeepMergesObjects_AndReplacesOtherValues()
    {
        var result = await Run(
            """{"a":{"x":1,"y":{"k":1}},"list":[1,2],"s":"old"}""",
            """[{"op":"merge","value":{"a":{"y":{"j":2},"z":3},"list":[9],"s":"new","t":true}}]""");

        AssertJson("""{"a":{"x":1,"y":{"k":1,"j":2},"z":3},"list":[9],"s":"new","t":true}""", result);
    }

    [Fact]
    public async Task Merge_AtAPath_MergesIntoThatObject()
    {
        var result = await Run("""{"cfg":{"a":1}}""", """[{"op":"merge","path":"cfg","value":{"b":2}}]""");

        AssertJson("""{"cfg":{"a":1,"b":2}}""", result);
    }

    [Fact]
    public async Task Merge_IntoANonObjectRoot_Fails()
    {
        var error = await Fails("[1]", """[{"op":"merge","value":{"b":2}}]""");

        Assert.Equal("operations[0]: merge target '$' is an array, not an object", error.Message);
    }

    [Fact]
    public async Task Operations_ApplyInOrder_EachSeeingThePreviousResult()
    {
        var result = await Run("""{"a":1}""", """
            [{"op":"rename","from":"a","to":"b"},{"op":"set","path":"c","value":2},{"op":"remove","path":"b"},{"op":"merge","value":{"d":3}}]
            """);

        AssertJson("""{"c":2,"d":3}""", result);
    }

    [Fact]
    public async Task Execute_DoesNotChangeTheInputData()
    {
        var data = JsonNode.Parse("""{"a":{"b":1},"xs":[1]}""")!;
        var before = data.ToJsonString();

        var output = await _plugin.ExecuteAsync(new JsonObject
        {
            ["data"] = data,
            ["operations"] = JsonNode.Parse("""[{"op":"set","path":"a.b","value":2},{"op":"remove","path":"xs[0]"}]"""),
        }, new TestPluginContext());

        Assert.Equal(before, data.ToJsonString());
        AssertJson("""{"a":{"b":2},"xs":[]}""", output["data"]);
    }

    [Fact]
    public async Task NoOperations_ReturnsACopyOfTheData()
    {
        var output = await _plugin.ExecuteAsync(new JsonObject { ["data"] = JsonNode.Parse("[1,2]") }, new TestPluginContext());

        AssertJson("[1,2]", output["data"]);
    }

    [Fact]
    public async Task NullData_IsAllowed()
    {
        var result = await Run("null", """[{"op":"set","path":"a","value":1}]""");

        AssertJson("""{"a":1}""", result);
    }

    [Fact]
    public async Task MissingData_Fails()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            _plugin.ExecuteAsync(new JsonObject { ["operations"] = new JsonArray() }, new TestPluginContext()).AsTask());

        Assert.False(error.Retryable);
        Assert.Equal("input 'data' is required", error.Message);
    }

    [Theory]
    [InlineData("""[{"op":"explode"}]""", "operations[0]: unknown op 'explode'; expected set, rename, remove, map, pick or merge")]
    [InlineData("""[42]""", "operations[0]: an operation must be an object, got a number")]
    [InlineData("""[{"path":"a"}]""", "operations[0]: 'op' must be one of set, rename, remove, map, pick or merge")]
    [InlineData("""[{"op":"set","paht":"a","value":1}]""", "operations[0]: unknown field 'paht' for set; expected path, value")]
    [InlineData("""[{"op":"remove"}]""", "operations[0]: 'path' is required")]
    [InlineData("""[{"op":"remove","path":7}]""", "operations[0]: 'path' must be a path string, got a number")]
    [InlineData("""[{"op":"remove","path":"a..b"}]""", "operations[0]: invalid path 'a..b': empty name at position 2")]
    [InlineData("""[{"op":"remove","path":"a[x]"}]""", "operations[0]: invalid path 'a[x]': index 'x' is not a non-negative integer at position 2")]
    [InlineData("""[{"op":"remove","path":"a[-1]"}]""", "operations[0]: invalid path 'a[-1]': index '-1' is not a non-negative integer at position 2")]
    [InlineData("""[{"op":"remove","path":"a[0"}]""", "operations[0]: invalid path 'a[0': unclosed '[' at position 1")]
    [InlineData("""[{"op":"remove","path":"a."}]""", "operations[0]: invalid path 'a.': a name is expected after '.' at position 2")]
    [InlineData("""[{"op":"remove","path":"$"}]""", "operations[0]: the root cannot be removed")]
    [InlineData("""[{"op":"pick","paths":"a"}]""", "operations[0]: 'paths' must be an array of path strings, got a string")]
    [InlineData("""[{"op":"map","path":"xs","fields":{"k":1}}]""", "operations[0]: fields.k must be a path string, got a number")]
    [InlineData("""[{"op":"merge","value":[1]}]""", "operations[0]: 'value' must be an object, got an array")]
    [InlineData("""[{"op":"rename","from":"a","to":"$"}]""", "operations[0]: rename needs non-root 'from' and 'to' paths")]
    public async Task BadOperations_FailWithoutRetry_NamingTheOperation(string operations, string expected)
    {
        var error = await Fails("""{"a":1,"xs":[]}""", operations);

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task OperationsThatIsNotAnArray_Fails()
    {
        var error = await Fails("{}", """{"op":"set"}""");

        Assert.Equal("input 'operations' must be an array, got an object", error.Message);
    }
}
