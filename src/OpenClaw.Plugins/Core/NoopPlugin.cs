using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Core;

/// <summary>
/// Returns its inputs unchanged. Tests and benchmarks use it to measure the engine without plugin cost, and authors use
/// it to gather values into one step output.
/// </summary>
/// <remarks>
/// The output is the inputs object itself, not a copy: the SDK hands the plugin ownership of its inputs, so no
/// allocation is needed. Both schemas are deliberately empty because any object is accepted and echoed back.
/// </remarks>
[Plugin("noop", Version = "1.0.0", Author = "OpenClaw", Category = "core", Tags = ["core", "pass-through", "testing"],
    Description = "Does nothing and returns its inputs unchanged as its output.")]
public sealed class NoopPlugin : Plugin
{
    /// <inheritdoc />
    public override PluginSchema InputSchema => PluginSchema.Empty;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => PluginSchema.Empty;

    /// <inheritdoc />
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context) => new(inputs);
}
