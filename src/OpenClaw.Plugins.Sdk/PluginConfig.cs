using System.Text.Json.Nodes;

namespace OpenClaw.Plugins.Sdk;

/// <summary>How an installed plugin is configured (the specification's <c>PluginConfig</c>).</summary>
/// <param name="Enabled">Disabled plugins cannot be called by steps.</param>
/// <param name="Settings">Plugin-specific settings, checked by <see cref="Plugin.ValidateConfigAsync"/>.</param>
/// <param name="Resources">Limits applied when the plugin runs in the sandbox.</param>
public sealed record PluginConfig(bool Enabled, JsonObject Settings, PluginResources Resources)
{
    /// <summary>Enabled, no settings, default resources.</summary>
    public static PluginConfig Default => new(true, new JsonObject(), PluginResources.Default);
}

/// <summary>Resource limits for a sandboxed plugin; the defaults are the specification's (512 MB, 30 s CPU).</summary>
/// <param name="MemoryMb">Memory limit of the plugin's sandboxed runner, in MB.</param>
/// <param name="CpuTimeSeconds">CPU time one call may use, in seconds.</param>
public sealed record PluginResources(int MemoryMb = 512, int CpuTimeSeconds = 30)
{
    /// <summary>512 MB of memory and 30 seconds of CPU time.</summary>
    public static PluginResources Default { get; } = new();
}
