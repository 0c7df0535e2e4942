using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Plugins;

/// <summary>Finds the plugin a step calls.</summary>
public interface IPluginResolver
{
    /// <summary>The enabled plugin with that name (and version, when pinned), or null.</summary>
    Plugin? Resolve(string name, string? version);
}
