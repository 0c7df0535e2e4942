using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Core;

/// <summary>Writes a message (and optional data) to the step's log, which is kept in the execution history.</summary>
/// <remarks>
/// The entry is structured: the message is the <c>{Message}</c> property and the data, when given, is the
/// <c>{Data}</c> property holding its JSON text, so log sinks can index both.
/// </remarks>
[Plugin("log", Version = "1.0.0", Author = "OpenClaw", Category = "core", Tags = ["core", "logging", "debug"],
    Description = "Writes a message and optional data to the execution log.")]
public sealed class LogPlugin : Plugin
{
    private static readonly string[] Levels = ["debug", "info", "warning", "error"];

    private static readonly PluginSchema Inputs = PluginSchema.Of(
        new PluginField("message", "string", Required: true, Description: "The text to log."),
        new PluginField("level", "string", Description: "Severity of the entry.", Default: "info", Enum: Levels),
        new PluginField("data", "any", Description: "Optional value logged alongside the message as JSON."));

    private static readonly PluginSchema Outputs = PluginSchema.Of(
        new PluginField("logged", "boolean", Description: "Always true once the entry is written."),
        new PluginField("message", "string", Description: "The message that was logged."),
        new PluginField("level", "string", Description: "The level used, in lower case.", Enum: Levels));

    /// <inheritdoc />
    public override PluginSchema InputSchema => Inputs;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => Outputs;

    /// <inheritdoc />
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var message = PluginInputs.RequireString(inputs, "message");
        var levelName = (PluginInputs.OptionalString(inputs, "level") ?? "info").ToLowerInvariant();
        var level = levelName switch
        {
            "debug" => LogLevel.Debug,
            "info" => LogLevel.Information,
            "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => throw PluginInputs.Invalid($"input 'level' must be one of {string.Join(", ", Levels)}; got '{levelName}'"),
        };

        if (inputs.TryGetPropertyValue("data", out var data))
            context.Logger.Log(level, "{Message} {Data}", message, data?.ToJsonString() ?? "null");
        else
            context.Logger.Log(level, "{Message}", message);

        return new(new JsonObject { ["logged"] = true, ["message"] = message, ["level"] = levelName });
    }
}
