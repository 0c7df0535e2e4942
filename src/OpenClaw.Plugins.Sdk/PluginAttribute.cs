namespace OpenClaw.Plugins.Sdk;

/// <summary>
/// Declares a plugin's metadata (the specification's <c>PluginMetadata</c>) on a class deriving from <see cref="Plugin"/>.
/// </summary>
/// <remarks>The name is the identifier workflow steps use in <c>config.plugin</c>; it must be lower-case kebab-case.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PluginAttribute : Attribute
{
    /// <summary>Declares a plugin called <paramref name="name"/>.</summary>
    public PluginAttribute(string name) => Name = name;

    /// <summary>Identifier used by workflow steps, e.g. <c>http-request</c>.</summary>
    public string Name { get; }

    /// <summary>Semantic version, e.g. <c>1.2.0</c>.</summary>
    public string Version { get; init; } = "1.0.0";

    /// <summary>One sentence shown in the marketplace and designer.</summary>
    public string Description { get; init; } = "";

    /// <summary>Who wrote and maintains the plugin.</summary>
    public string Author { get; init; } = "";

    /// <summary>Marketplace category, e.g. <c>data-collection</c>, <c>core</c>.</summary>
    public string Category { get; init; } = "general";

    /// <summary>Search tags.</summary>
    public string[] Tags { get; init; } = [];

    /// <summary>Other plugins this one needs, as <c>name</c> or <c>name@range</c>.</summary>
    public string[] Dependencies { get; init; } = [];

    /// <summary>Permissions the plugin asks for, e.g. <c>network</c>; see <see cref="PluginPermissions"/>.</summary>
    public string[] Permissions { get; init; } = [];
}
