namespace OpenClaw.Core.Definitions;

/// <summary>What validation needs to know about installed plugins.</summary>
public interface IPluginCatalog
{
    /// <summary>Finds an enabled plugin by name (and pinned version when given), or returns null.</summary>
    PluginDescriptor? Find(string name, string? version);
}

/// <summary>A plugin as validation sees it.</summary>
/// <param name="Name">The plugin's name.</param>
/// <param name="Version">Its version.</param>
/// <param name="RequiredInputs">Inputs a step must provide.</param>
public sealed record PluginDescriptor(string Name, string Version, IReadOnlyCollection<string> RequiredInputs);
