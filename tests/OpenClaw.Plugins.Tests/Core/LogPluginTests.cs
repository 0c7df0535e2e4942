using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Core;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Core;

/// <summary>The log plugin writes structured entries to the step's logger.</summary>
public sealed class LogPluginTests
{
    private readonly LogPlugin _plugin = new();

    [Fact]
    public async Task Message_IsLoggedAtInfo_ByDefault()
    {
        var context = new TestPluginContext();

        var output = await _plugin.ExecuteAsync(new JsonObject { ["message"] = "order received" }, context);

        var entry = Assert.Single(context.Log.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal("order received", entry.Properties["Message"]);
        Assert.Equal("{Message}", entry.Properties["{OriginalFormat}"]);
        Assert.True((bool)output["logged"]!);
        Assert.Equal("order received", (string?)output["message"]);
        Assert.Equal("info", (string?)output["level"]);
    }

    [Theory]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("warning", LogLevel.Warning)]
    [InlineData("ERROR", LogLevel.Error)]
    public async Task Level_ChoosesTheLogLevel(string level, LogLevel expected)
    {
        var context = new TestPluginContext();

        var output = await _plugin.ExecuteAsync(new JsonObject { ["message"] = "m", ["level"] = level }, context);

        Assert.Equal(expected, Assert.Single(context.Log.Entries).Level);
        Assert.Equal(level.ToLowerInvariant(), (string?)output["level"]);
    }

    [Fact]
    public async Task Data_IsLoggedAsJson_InItsOwnProperty()
    {
        var context = new TestPluginContext();

        await _plugin.ExecuteAsync(new JsonObject
        {
            ["message"] = "state",
            ["data"] = new JsonObject { ["count"] = 3, ["ids"] = new JsonArray("a", "b") },
        }, context);

        var entry = Assert.Single(context.Log.Entries);
        Assert.Equal("state", entry.Properties["Message"]);
        Assert.Equal("""{"count":3,"ids":["a","b"]}""", entry.Properties["Data"]);
        Assert.Equal("""state {"count":3,"ids":["a","b"]}""", entry.Message);
    }

    [Theory]
    [InlineData("""{}""", "input 'message' is required")]
    [InlineData("""{"message":5}""", "input 'message' must be a string, got a number")]
    [InlineData("""{"message":"m","level":"trace"}""", "input 'level' must be one of debug, info, warning, error; got 'trace'")]
    public async Task InvalidInputs_FailWithoutRetry_AndLogNothing(string inputs, string expected)
    {
        var context = new TestPluginContext();

        var error = await Assert.ThrowsAsync<PluginException>(() => _plugin.ExecuteAsync(JsonNode.Parse(inputs)!.AsObject(), context).AsTask());

        Assert.False(error.Retryable);
        Assert.Equal(expected, error.Message);
        Assert.Empty(context.Log.Entries);
    }
}
