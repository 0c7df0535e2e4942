using OpenClaw.Core.Definitions;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Plugins;

/// <summary>
/// Trusted plugins loaded into this process (the built-ins). Serves both the runtime (to call them) and validation
/// (to know their names and required inputs).
/// </summary>
public sealed class InProcessPluginRegistry : IPluginResolver, IPluginCatalog
{
    private readonly Dictionary<string, List<Plugin>> _byName = new(StringComparer.Ordinal);

    public InProcessPluginRegistry(IEnumerable<Plugin> plugins)
    {
        foreach (var plugin in plugins)
        {
            var metadata = plugin.Metadata;
            if (!_byName.TryGetValue(metadata.Name, out var versions)) _byName[metadata.Name] = versions = [];
            if (versions.Any(p => p.Metadata.Version == metadata.Version))
                throw new ArgumentException($"Plugin '{metadata.Name}' version {metadata.Version} is registered twice.", nameof(plugins));
            versions.Add(plugin);
            versions.Sort((a, b) => CompareVersions(b.Metadata.Version, a.Metadata.Version));
        }
    }

    /// <summary>Every registered plugin, newest version first within a name.</summary>
    public IEnumerable<Plugin> All => _byName.Values.SelectMany(v => v);

    public Plugin? Resolve(string name, string? version)
    {
        if (!_byName.TryGetValue(name, out var versions)) return null;
        return version is null ? versions[0] : versions.FirstOrDefault(p => p.Metadata.Version == version);
    }

    public PluginDescriptor? Find(string name, string? version) =>
        Resolve(name, version) is { } plugin
            ? new PluginDescriptor(plugin.Metadata.Name, plugin.Metadata.Version, plugin.InputSchema.Required.ToArray())
            : null;

    private static int CompareVersions(string a, string b) =>
        Version.TryParse(a.Split('-')[0], out var va) && Version.TryParse(b.Split('-')[0], out var vb)
            ? va.CompareTo(vb)
            : string.CompareOrdinal(a, b);
}
