namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>How large a package may be; a package past any limit is refused before anything is written.</summary>
public sealed record PluginPackageLimits
{
    /// <summary>The zip file itself.</summary>
    public long MaxPackageBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>All files once extracted (what a zip bomb inflates).</summary>
    public long MaxExtractedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Any one extracted file.</summary>
    public long MaxFileBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Entries in the archive, folders included.</summary>
    public int MaxEntries { get; init; } = 2000;

    public static PluginPackageLimits Default { get; } = new();
}
