using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins.Registry;
using OpenClaw.Sandbox;

namespace OpenClaw.Server.Api;

/// <summary>A plugin as <c>GET /plugins</c> lists it: a built-in (trusted, in process) or an installed version (sandboxed).</summary>
/// <param name="Source"><c>built-in</c> or <c>installed</c>.</param>
/// <param name="Status"><c>enabled</c> or <c>disabled</c> (built-ins are always enabled).</param>
/// <param name="Inputs">JSON Schema of the step inputs (the designer builds its form from it).</param>
/// <param name="Outputs">JSON Schema of the step output.</param>
public sealed record PluginResponse(
    string Name, string Version, string Source, string Status, string Description, string Author, string Category,
    IReadOnlyList<string> Tags, IReadOnlyList<string> Dependencies, IReadOnlyList<string> Permissions, PluginResources? Resources,
    string? Digest, DateTimeOffset? InstalledAt, DateTimeOffset? UpdatedAt, JsonObject Inputs, JsonObject Outputs)
{
    public const string BuiltIn = "built-in";
    public const string Installed = "installed";

    public static PluginResponse From(PluginMetadata m) =>
        new(m.Name, m.Version, BuiltIn, "enabled", m.Description, m.Author, m.Category, m.Tags, m.Dependencies, m.Permissions,
            Resources: null, Digest: null, InstalledAt: null, UpdatedAt: null, m.Inputs.ToJsonSchema(), m.Outputs.ToJsonSchema());

    public static PluginResponse From(InstalledPlugin p) =>
        new(p.Name, p.Version.ToString(), Installed, p.Status, p.Manifest.Description, p.Manifest.Author, p.Manifest.Category,
            p.Manifest.Tags, p.Manifest.Dependencies.Select(d => d.ToString()).ToList(), p.Manifest.Permissions, p.Manifest.Resources,
            p.Manifest.Digest, p.InstalledAt, p.UpdatedAt, (JsonObject)p.Manifest.Inputs.DeepClone(), (JsonObject)p.Manifest.Outputs.DeepClone());
}

public sealed record PluginListResponse(IReadOnlyList<PluginResponse> Plugins);

/// <summary>One lifecycle hook run by a change, with what it printed.</summary>
public sealed record PluginHookResponse(string Hook, bool Succeeded, string? Error, IReadOnlyList<string> Output)
{
    public static PluginHookResponse From(PluginHookRun run) =>
        new(run.Hook.ToString().ToLowerInvariant(), run.Succeeded, run.Error, run.Output);
}

/// <summary>The result of an install, upgrade, enable, disable or uninstall.</summary>
public sealed record PluginChangeResponse(PluginResponse Plugin, IReadOnlyList<PluginHookResponse> Hooks)
{
    public static PluginChangeResponse From(PluginChange change) =>
        new(PluginResponse.From(change.Plugin), change.Hooks.Select(PluginHookResponse.From).ToList());
}

/// <summary>What <c>POST /plugins/validate</c> found: every problem, each with its path (a JSON path into plugin.json, an entry name, or <c>package</c>).</summary>
public sealed record PluginValidationResponse(bool Valid, string? Name, string? Version, IReadOnlyList<string> Permissions, IReadOnlyList<PluginProblem> Errors);

public sealed record PluginProblem(string Path, string Message, string Code);

/// <summary>What <c>POST /marketplace/plugins/{name}/install</c> changed, dependencies first.</summary>
public sealed record MarketplaceInstallResponse(IReadOnlyList<PluginChangeResponse> Installed);

