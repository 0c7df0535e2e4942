namespace OpenClaw.Plugins.Sdk;

/// <summary>What a plugin is: the specification's <c>PluginMetadata</c> plus its declared input and output schemas.</summary>
public sealed record PluginMetadata(
    string Name,
    string Version,
    string Description,
    string Author,
    string Category,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Dependencies,
    IReadOnlyList<string> Permissions,
    PluginSchema Inputs,
    PluginSchema Outputs);
