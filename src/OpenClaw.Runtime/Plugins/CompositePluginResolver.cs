using OpenClaw.Core.Definitions;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins.Registry;

namespace OpenClaw.Runtime.Plugins;

/// <summary>
/// The plugins steps can call: the trusted built-ins, in process, and the third-party plugins the <see cref="PluginRegistry"/>
/// installed, in the sandbox. Built-in names come first; the registry refuses packages that take one.
/// </summary>
public sealed class CompositePluginResolver(InProcessPluginRegistry builtIns, PluginRegistry? registry = null) : IPluginResolver, IPluginCatalog
{
    /// <summary>The built-in plugin, or null (third-party plugins are never loaded in process; see <see cref="Bind"/>).</summary>
    public Plugin? Resolve(string name, string? version) => builtIns.Resolve(name, version);

    /// <inheritdoc />
    public PluginBinding? Bind(string name, string? version) =>
        builtIns.Resolve(name, version) is { } plugin ? new InProcessPluginBinding(plugin) : registry?.Bind(name, version);

    /// <inheritdoc />
    public PluginDescriptor? Find(string name, string? version) => builtIns.Find(name, version) ?? registry?.Find(name, version);
}
