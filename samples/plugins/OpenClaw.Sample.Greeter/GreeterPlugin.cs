using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sample.Greeter;

/// <summary>
/// Greets someone. A sample third-party plugin: it runs in the sandbox, and its lifecycle hooks print what they do, which
/// the registry keeps as each hook's output (hooks have no logger; what they print is their log).
/// </summary>
[Plugin("greeter", Description = "Greets someone by name (a sample third-party plugin).", Author = "OpenClaw samples", Category = "samples",
    Tags = ["sample", "greeting"])]
public sealed class GreeterPlugin : Plugin
{
    /// <summary>The hooks this runner process has seen, oldest first (a runner is one process; the list is per process).</summary>
    private static readonly List<string> HooksSeen = [];

    /// <summary>The package version the build stamped (<c>-p:Version</c>), so callers can tell side-by-side versions apart.</summary>
    private static readonly string PackageVersion =
        (typeof(GreeterPlugin).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    public override PluginSchema InputSchema => PluginSchema.Of(
        new PluginField("name", "string", Required: true, Description: "Who to greet."),
        new PluginField("punctuation", "string", Description: "How to end the greeting.", Default: "!"));

    public override PluginSchema OutputSchema => PluginSchema.Of(
        new PluginField("greeting", "string", Description: "The greeting."),
        new PluginField("version", "string", Description: "The greeter version that answered."),
        new PluginField("hooks_seen", "array", Description: "Lifecycle hooks this runner process has run."),
        new PluginField("working_directory", "string", Description: "Where the plugin runs (the sandbox's scratch folder)."));

    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var name = inputs["name"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(name)) throw new PluginException("Input 'name' is required.", retryable: false);
        var punctuation = inputs["punctuation"]?.GetValue<string>() ?? "!";
        context.Logger.LogInformation("Greeting {Name} (greeter {Version})", name, PackageVersion);
        string[] seen;
        lock (HooksSeen) seen = [.. HooksSeen];
        return ValueTask.FromResult(new JsonObject
        {
            ["greeting"] = $"Hello, {name}{punctuation}",
            ["version"] = PackageVersion,
            ["hooks_seen"] = new JsonArray(seen.Select(h => (JsonNode)JsonValue.Create(h)).ToArray()),
            ["working_directory"] = Environment.CurrentDirectory,
        });
    }

    public override ValueTask OnInstallAsync(CancellationToken cancellationToken = default) => Record("install");

    public override ValueTask OnEnableAsync(CancellationToken cancellationToken = default) => Record("enable");

    public override ValueTask OnDisableAsync(CancellationToken cancellationToken = default) => Record("disable");

    public override ValueTask OnUninstallAsync(CancellationToken cancellationToken = default) => Record("uninstall");

    private static ValueTask Record(string hook)
    {
        lock (HooksSeen) HooksSeen.Add(hook);
        Console.WriteLine($"greeter {PackageVersion}: {hook} (pid {Environment.ProcessId}, cwd {Environment.CurrentDirectory})");
        return ValueTask.CompletedTask;
    }
}
