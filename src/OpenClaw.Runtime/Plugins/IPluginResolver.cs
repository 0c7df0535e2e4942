using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Plugins;

/// <summary>Finds the plugin a step calls.</summary>
public interface IPluginResolver
{
    /// <summary>The enabled in-process plugin with that name (and version, when pinned), or null.</summary>
    Plugin? Resolve(string name, string? version);

    /// <summary>
    /// How to call the plugin a step names: in process, in the sandbox, or not at all (with the reason); null when no plugin
    /// has that name (and version, when pinned).
    /// </summary>
    /// <remarks>The default serves resolvers of in-process plugins only.</remarks>
    PluginBinding? Bind(string name, string? version) => Resolve(name, version) is { } plugin ? new InProcessPluginBinding(plugin) : null;
}
