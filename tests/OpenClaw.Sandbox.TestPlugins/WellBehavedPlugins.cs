using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sandbox.TestPlugins;

/// <summary>Returns its inputs and what it saw of its context; logs one line.</summary>
[Plugin("echo")]
public sealed class EchoPlugin : Plugin
{
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        context.Logger.LogInformation("echo called for step {StepId}", context.StepId);
        return ValueTask.FromResult(new JsonObject
        {
            ["inputs"] = inputs.DeepClone(),
            ["executionId"] = context.ExecutionId.ToString(),
            ["stepId"] = context.StepId,
            ["attempt"] = context.Attempt,
            ["idempotencyKey"] = context.IdempotencyKey,
            ["settings"] = context.Config.Settings.DeepClone(),
            ["memoryMb"] = context.Config.Resources.MemoryMb,
            ["processId"] = Environment.ProcessId,
            ["workingDirectory"] = Environment.CurrentDirectory,
            ["credential"] = context.GetCredentialAsync("api").AsTask().Result?.Values.GetValueOrDefault("token"),
        });
    }
}

/// <summary>Writes a file at the path given (relative paths land in the scratch folder) and reads it back.</summary>
[Plugin("write-file")]
public sealed class WriteFilePlugin : Plugin
{
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var path = Path.GetFullPath((string)inputs["path"]!);
        if ((int?)inputs["bytes"] is { } size)
        {
            await using var file = File.Create(path);
            var block = new byte[64 * 1024];
            for (var written = 0; written < size; written += block.Length) await file.WriteAsync(block, context.CancellationToken);
            return new JsonObject { ["path"] = path, ["bytes"] = file.Length };
        }
        await File.WriteAllTextAsync(path, "written by a plugin", context.CancellationToken);
        var leftOver = Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Length;
        return new JsonObject { ["path"] = path, ["content"] = await File.ReadAllTextAsync(path, context.CancellationToken), ["entries"] = leftOver };
    }
}

/// <summary>Throws the failure asked for.</summary>
[Plugin("fail")]
public sealed class FailPlugin : Plugin
{
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context) =>
        (bool?)inputs["retryable"] ?? true
            ? throw new InvalidOperationException("plugin failed on purpose")
            : throw new PluginException("bad input, do not retry", retryable: false);
}

/// <summary>Waits for cancellation, then reports it.</summary>
[Plugin("wait-for-cancel")]
public sealed class WaitForCancelPlugin : Plugin
{
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        context.Logger.LogInformation("waiting for cancellation");
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return [];
    }
}
