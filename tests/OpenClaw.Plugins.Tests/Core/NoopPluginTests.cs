using System.Text.Json.Nodes;
using OpenClaw.Plugins.Core;

namespace OpenClaw.Plugins.Tests.Core;

/// <summary>The noop plugin passes its inputs through without copying them.</summary>
public sealed class NoopPluginTests
{
    [Fact]
    public async Task Execute_ReturnsTheInputsObjectItself()
    {
        var inputs = new JsonObject { ["a"] = 1, ["nested"] = new JsonObject { ["b"] = "x" } };

        var output = await new NoopPlugin().ExecuteAsync(inputs, new TestPluginContext());

        Assert.Same(inputs, output);
        Assert.Equal("""{"a":1,"nested":{"b":"x"}}""", output.ToJsonString());
    }

    [Fact]
    public void Execute_CompletesSynchronously()
    {
        var pending = new NoopPlugin().ExecuteAsync(new JsonObject(), new TestPluginContext());

        Assert.True(pending.IsCompletedSuccessfully);
    }
}
