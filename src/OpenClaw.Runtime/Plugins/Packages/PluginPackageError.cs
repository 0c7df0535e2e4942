namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>One problem with a plugin package.</summary>
/// <param name="Path">
/// Where: a JSON path into <c>plugin.json</c> (<c>$.version</c>, <c>$.dependencies[1]</c>), an archive entry name, or
/// <c>package</c> for the archive as a whole.
/// </param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="Code">A stable code from <see cref="PluginPackageErrorCodes"/>.</param>
public sealed record PluginPackageError(string Path, string Message, string Code)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The codes of <see cref="PluginPackageError"/>.</summary>
public static class PluginPackageErrorCodes
{
    /// <summary>The file is not a readable zip archive, or is larger than allowed.</summary>
    public const string InvalidArchive = "invalid-archive";

    /// <summary>An entry name is absolute, climbs out with <c>..</c>, is a link, or repeats another entry (zip-slip and friends).</summary>
    public const string UnsafePath = "unsafe-path";

    /// <summary>The archive or one of its files is larger than the limits allow.</summary>
    public const string TooLarge = "too-large";

    /// <summary>There is no <c>plugin.json</c>, or it is not well-formed JSON.</summary>
    public const string ManifestSyntax = "manifest-syntax";

    /// <summary>A required manifest field is absent.</summary>
    public const string MissingField = "missing-field";

    /// <summary>A manifest field the format does not define (usually a typo).</summary>
    public const string UnknownField = "unknown-field";

    /// <summary>A manifest value has the wrong JSON type or an invalid form.</summary>
    public const string InvalidValue = "invalid-value";

    /// <summary>A version or version range is not semantic-versioning syntax.</summary>
    public const string InvalidVersion = "invalid-version";

    /// <summary>A permission that <see cref="OpenClaw.Plugins.Sdk.PluginPermissions.All"/> does not define.</summary>
    public const string UnknownPermission = "unknown-permission";

    /// <summary>The payload does not hash to the manifest's digest.</summary>
    public const string DigestMismatch = "digest-mismatch";

    /// <summary>The entry assembly named by the manifest is not in the payload.</summary>
    public const string MissingEntry = "missing-entry";

    /// <summary>A dependency is not installed at all.</summary>
    public const string MissingDependency = "missing-dependency";

    /// <summary>A dependency is installed, but no installed version is in the required range.</summary>
    public const string VersionConflict = "version-conflict";

    /// <summary>That name and version is already installed, or the name belongs to a built-in plugin.</summary>
    public const string AlreadyInstalled = "already-installed";
}

/// <summary>A package was refused: every problem found, each with its path.</summary>
public sealed class PluginPackageException : Exception
{
    public PluginPackageException(IReadOnlyList<PluginPackageError> errors)
        : base(Describe(errors)) => Errors = errors;

    public PluginPackageException(string path, string message, string code)
        : this([new PluginPackageError(path, message, code)])
    {
    }

    public PluginPackageException()
        : this([])
    {
    }

    public PluginPackageException(string message)
        : base(message) => Errors = [new PluginPackageError("package", message, PluginPackageErrorCodes.InvalidArchive)];

    public PluginPackageException(string message, Exception innerException)
        : base(message, innerException) => Errors = [new PluginPackageError("package", message, PluginPackageErrorCodes.InvalidArchive)];

    public IReadOnlyList<PluginPackageError> Errors { get; }

    private static string Describe(IReadOnlyList<PluginPackageError> errors) => errors.Count switch
    {
        0 => "The plugin package was refused.",
        1 => $"The plugin package was refused: {errors[0]}",
        _ => $"The plugin package was refused ({errors.Count} problems): " + string.Join("; ", errors),
    };
}
