namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>
/// Decides whether a package may be installed: a well-formed archive and manifest (see <see cref="PluginPackageReader"/>),
/// a payload that hashes to the manifest's digest, the entry assembly present, a name that is not a built-in's, a version
/// not installed yet, and every dependency satisfied by an installed plugin.
/// </summary>
/// <remarks>Every problem is reported at once, each with its path, so an author fixes them in one round.</remarks>
public sealed class PluginPackageValidator(PluginPackageLimits? limits = null)
{
    private readonly PluginPackageLimits _limits = limits ?? PluginPackageLimits.Default;

    /// <summary>Reads and checks a package file.</summary>
    public async Task<PluginValidationResult> ValidateFileAsync(string path, InstalledPluginSet? installed = null, CancellationToken cancellationToken = default)
    {
        var reader = await PluginPackageReader.OpenAsync(path, _limits, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return Validate(reader, installed);
        }
    }

    /// <summary>Reads and checks a package from a stream the caller keeps.</summary>
    public async Task<PluginValidationResult> ValidateAsync(Stream package, InstalledPluginSet? installed = null, CancellationToken cancellationToken = default)
    {
        var reader = await PluginPackageReader.OpenAsync(package, _limits, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return Validate(reader, installed);
        }
    }

    /// <summary>Checks an opened package, and against what is installed unless <paramref name="installed"/> is null.</summary>
    /// <param name="installed">
    /// What is installed, for the name, version and dependency checks; null checks the package on its own (what
    /// <c>openclaw plugin validate</c> does before any server is involved).
    /// </param>
    public PluginValidationResult Validate(PluginPackageReader package, InstalledPluginSet? installed = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        var errors = package.Errors.ToList();
        var manifest = package.Manifest;
        if (manifest is null || errors.Count > 0) return new PluginValidationResult(manifest, errors);

        if (package.PayloadDigest != manifest.Digest)
        {
            errors.Add(new("$.digest",
                $"The payload hashes to {package.PayloadDigest}, but plugin.json says {manifest.Digest}: the package was altered after packing, or packed by hand; pack it again.",
                PluginPackageErrorCodes.DigestMismatch));
        }
        if (!package.PayloadPaths.Contains(manifest.Entry.Assembly, StringComparer.Ordinal))
        {
            errors.Add(new("$.entry.assembly", $"The package has no '{manifest.Entry.Assembly}' at its root.", PluginPackageErrorCodes.MissingEntry));
        }

        if (installed is not null) errors.AddRange(CheckAgainstInstalled(manifest, installed));
        return new PluginValidationResult(manifest, errors);
    }

    /// <summary>The name, version and dependency checks against what is installed.</summary>
    public static IReadOnlyList<PluginPackageError> CheckAgainstInstalled(PluginManifest manifest, InstalledPluginSet installed)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(installed);
        var errors = new List<PluginPackageError>();
        if (installed.BuiltIn.Contains(manifest.Name))
        {
            errors.Add(new("$.name", $"'{manifest.Name}' is the name of a built-in plugin; choose another name.", PluginPackageErrorCodes.AlreadyInstalled));
        }
        else if (installed.VersionsOf(manifest.Name).Contains(manifest.Version))
        {
            errors.Add(new("$.version", $"{manifest.Name} {manifest.Version} is already installed; uninstall it first or pack a new version.", PluginPackageErrorCodes.AlreadyInstalled));
        }

        for (var i = 0; i < manifest.Dependencies.Count; i++)
        {
            var dependency = manifest.Dependencies[i];
            var versions = installed.VersionsOf(dependency.Name);
            if (versions.Count == 0)
            {
                errors.Add(new($"$.dependencies[{i}]",
                    $"Missing dependency: {manifest.Name} needs '{dependency}', and no plugin named '{dependency.Name}' is installed; install it first.",
                    PluginPackageErrorCodes.MissingDependency));
            }
            else if (dependency.Range.MaxSatisfying(versions) is null)
            {
                errors.Add(new($"$.dependencies[{i}]",
                    $"Version conflict: {manifest.Name} needs '{dependency}', but the installed versions of '{dependency.Name}' are {string.Join(", ", versions.Order())}; install a version in range {dependency.Range}.",
                    PluginPackageErrorCodes.VersionConflict));
            }
        }
        return errors;
    }
}

/// <summary>The outcome of validating a package.</summary>
/// <param name="Manifest">The manifest, when it could be read.</param>
/// <param name="Errors">Every problem; empty when the package may be installed.</param>
public sealed record PluginValidationResult(PluginManifest? Manifest, IReadOnlyList<PluginPackageError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Manifest is not null;
}

/// <summary>What dependency resolution sees: the versions of each installed plugin, and which names belong to built-ins.</summary>
public sealed class InstalledPluginSet
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<SemanticVersion>> _versions;

    public InstalledPluginSet(IReadOnlyDictionary<string, IReadOnlyList<SemanticVersion>> versions, IReadOnlySet<string>? builtIn = null)
    {
        _versions = versions ?? throw new ArgumentNullException(nameof(versions));
        BuiltIn = builtIn ?? new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>Nothing installed.</summary>
    public static InstalledPluginSet Empty { get; } = new(new Dictionary<string, IReadOnlyList<SemanticVersion>>(StringComparer.Ordinal));

    /// <summary>Names of built-in plugins: they satisfy dependencies, and no package may take their name.</summary>
    public IReadOnlySet<string> BuiltIn { get; }

    /// <summary>Installed versions of <paramref name="name"/> (built-in or from packages); empty when none.</summary>
    public IReadOnlyList<SemanticVersion> VersionsOf(string name) => _versions.TryGetValue(name, out var versions) ? versions : [];
}
