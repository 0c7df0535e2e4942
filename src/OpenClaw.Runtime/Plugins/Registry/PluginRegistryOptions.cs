using OpenClaw.Runtime.Plugins.Packages;

namespace OpenClaw.Runtime.Plugins.Registry;

/// <summary>Settings of the plugin registry (configuration section <c>OpenClaw:Plugins</c>).</summary>
public sealed class PluginRegistryOptions
{
    /// <summary>
    /// The object-store folder of installed packages: each version is extracted to <c>&lt;folder&gt;/&lt;name&gt;/&lt;version&gt;/</c>.
    /// The server uses <c>&lt;data&gt;/plugins</c>. Nothing else may be kept there: folders without a database row are removed at start.
    /// </summary>
    public string PackagesDirectory { get; set; } = "";

    /// <summary>The tenant whose <c>plugins</c> rows this registry keeps (installed plugins are shared by the whole server).</summary>
    public string TenantId { get; set; } = "default";

    /// <summary>Size limits of the packages accepted.</summary>
    public PluginPackageLimits Limits { get; set; } = PluginPackageLimits.Default;

    /// <summary>Wall-clock limit of one lifecycle hook in the sandbox.</summary>
    public TimeSpan HookTimeout { get; set; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(PackagesDirectory))
            throw new ArgumentException("PluginRegistryOptions.PackagesDirectory must name a folder, e.g. <data>/plugins.", nameof(PackagesDirectory));
        if (string.IsNullOrWhiteSpace(TenantId)) throw new ArgumentException("PluginRegistryOptions.TenantId cannot be empty.", nameof(TenantId));
        if (HookTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HookTimeout), HookTimeout, "Must be positive.");
    }
}
