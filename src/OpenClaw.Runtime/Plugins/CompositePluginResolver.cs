using OpenClaw.Core.Definitions;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins.Registry;

namespace OpenClaw.Runtime.Plugins;

/// <summary>
/// The plugins steps can call: the trusted built-ins, in process, and the third-party plugins the <see cref="PluginRegistry"/>
/// installed, in the sandbox. Built-in names come first; the registry refuses packages that take one.
/// </summary>
public sealed class CompositePluginResolver(
    InProcessPluginRegistry builtIns, PluginRegistry? registry = null, IEnumerable<SandboxedBuiltInPlugin>? sandboxedBuiltIns = null) : IPluginResolver, IPluginCatalog
{
    private readonly Dictionary<string, SandboxedBuiltInPlugin> _sandboxed =
        (sandboxedBuiltIns ?? []).ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>The built-in plugin, or null (third-party plugins are never loaded in process; see <see cref="Bind"/>).</summary>
    public Plugin? Resolve(string name, string? version) => builtIns.Resolve(name, version);

    /// <inheritdoc />
    public PluginBinding? Bind(string name, string? version) =>
        builtIns.Resolve(name, version) is { } plugin ? new InProcessPluginBinding(plugin)
        : SandboxedBuiltIn(name, version) is { } sandboxed ? sandboxed.Bind()
        : registry?.Bind(name, version);

    /// <inheritdoc />
    public PluginDescriptor? Find(string name, string? version) =>
        builtIns.Find(name, version) ?? SandboxedBuiltIn(name, version)?.Describe() ?? registry?.Find(name, version);

    private SandboxedBuiltInPlugin? SandboxedBuiltIn(string name, string? version) =>
        _sandboxed.TryGetValue(name, out var plugin) && (version is null || version == plugin.Plugin.Metadata.Version) ? plugin : null;
}
