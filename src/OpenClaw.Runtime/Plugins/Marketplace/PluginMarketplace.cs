using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Runtime.Plugins.Registry;

namespace OpenClaw.Runtime.Plugins.Marketplace;

/// <summary>
/// The catalogue of plugins offered by the configured sources (local folders, other OpenClaw servers): search it, see what a
/// plugin would be allowed to do before installing it (<see cref="GetInstallPlanAsync"/>), and install from it.
/// </summary>
/// <remarks>
/// When two sources offer the same name and version, the first configured source wins. A source that cannot be read is
/// skipped with a warning, so one unreachable server does not empty the catalogue.
/// </remarks>
public sealed class PluginMarketplace(IEnumerable<IMarketplaceSource> sources, PluginRegistry registry, ILogger<PluginMarketplace> logger)
{
    private readonly IReadOnlyList<IMarketplaceSource> _sources = sources.ToList();

    /// <summary>The configured sources, in priority order.</summary>
    public IReadOnlyList<IMarketplaceSource> Sources => _sources;

    /// <summary>Entries matching the query, by name; only the newest version of each plugin unless <see cref="MarketplaceQuery.AllVersions"/>.</summary>
    public async Task<IReadOnlyList<MarketplaceEntry>> SearchAsync(MarketplaceQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new MarketplaceQuery();
        var all = await ListAllAsync(cancellationToken).ConfigureAwait(false);
        var matching = all.Where(query.Matches);
        if (!query.AllVersions) matching = matching.GroupBy(e => e.Name, StringComparer.Ordinal).Select(g => g.First());
        return matching.ToList();
    }

    /// <summary>
    /// What installing <paramref name="name"/> (at <paramref name="version"/>, or the newest offered) would mean: the permissions it
    /// asks for, each explained, its resource limits, and each dependency with whether it is installed, offered here, or missing.
    /// </summary>
    /// <exception cref="MarketplaceException">No source offers that plugin (or version).</exception>
    public async Task<PluginInstallPlan> GetInstallPlanAsync(string name, string? version = null, CancellationToken cancellationToken = default)
    {
        var all = await ListAllAsync(cancellationToken).ConfigureAwait(false);
        var entry = Pick(all, name, version);
        var installed = registry.InstalledSet();
        var problems = new List<string>();

        var dependencies = new List<DependencyPlan>();
        foreach (var text in entry.Dependencies)
        {
            if (!PluginDependency.TryParse(text, out var dependency, out var error))
            {
                problems.Add(error);
                continue;
            }
            var versions = installed.VersionsOf(dependency.Name);
            var satisfied = dependency.Range.MaxSatisfying(versions);
            var offered = all.Where(e => e.Name == dependency.Name && e.SemanticVersion is { } v && dependency.Range.IsSatisfiedBy(v)).Select(e => e.SemanticVersion!).Max();
            var state = satisfied is not null ? DependencyState.Installed
                : offered is not null ? DependencyState.Available
                : versions.Count > 0 ? DependencyState.Conflict
                : DependencyState.Missing;
            if (state == DependencyState.Missing) problems.Add($"Needs '{dependency}', which is neither installed nor offered by any source.");
            if (state == DependencyState.Conflict)
                problems.Add($"Needs '{dependency}', but the installed versions are {string.Join(", ", versions.Order())} and no source offers one in range.");
            dependencies.Add(new DependencyPlan(dependency.Name, dependency.Range.Text, state, satisfied?.ToString(), offered?.ToString()));
        }

        var installedVersions = registry.List().Where(p => p.Name == entry.Name).Select(p => p.Version).ToList();
        if (installed.BuiltIn.Contains(entry.Name)) problems.Add($"'{entry.Name}' is the name of a built-in plugin.");
        if (installedVersions.Any(v => v.ToString() == entry.Version)) problems.Add($"{entry.Name} {entry.Version} is already installed.");

        var permissions = entry.Permissions.Select(p => new PermissionRequest(p, PermissionDescriptions.Describe(p))).ToList();
        return new PluginInstallPlan(
            entry, permissions, dependencies,
            InstalledVersions: installedVersions.Select(v => v.ToString()).ToList(),
            IsUpgrade: installedVersions.Count > 0 && entry.SemanticVersion is { } target && installedVersions.All(v => v < target),
            Problems: problems);
    }

    /// <summary>
    /// Installs <paramref name="name"/> (at <paramref name="version"/>, or the newest offered) from the marketplace, after
    /// installing the dependencies the plan marks <see cref="DependencyState.Available"/>. A newer version of an installed plugin
    /// is installed beside it (<see cref="PluginRegistry.UpgradeAsync"/>).
    /// </summary>
    /// <returns>The changes made, dependencies first.</returns>
    /// <exception cref="MarketplaceException">Not offered, or the download failed.</exception>
    /// <exception cref="PluginPackageException">The package was refused by validation.</exception>
    /// <exception cref="PluginRegistryException">A lifecycle hook failed.</exception>
    public async Task<IReadOnlyList<PluginChange>> InstallAsync(string name, string? version = null, CancellationToken cancellationToken = default)
    {
        var changes = new List<PluginChange>();
        await InstallWithDependenciesAsync(name, version, changes, [], cancellationToken).ConfigureAwait(false);
        return changes;
    }

    private async Task InstallWithDependenciesAsync(string name, string? version, List<PluginChange> changes, HashSet<string> visiting, CancellationToken cancellationToken)
    {
        if (!visiting.Add(name)) throw new MarketplaceException($"The dependencies of {name} form a cycle through {string.Join(" -> ", visiting)}.");
        var plan = await GetInstallPlanAsync(name, version, cancellationToken).ConfigureAwait(false);
        foreach (var dependency in plan.Dependencies.Where(d => d.State == DependencyState.Available))
            await InstallWithDependenciesAsync(dependency.Name, dependency.AvailableVersion, changes, visiting, cancellationToken).ConfigureAwait(false);

        var entry = plan.Plugin;
        var source = _sources.First(s => s.Name == entry.Source);
        logger.LogInformation("Installing {Plugin} {Version} from {Source} with permissions {Permissions}.",
            entry.Name, entry.Version, source.Name, entry.Permissions.Count == 0 ? "none" : string.Join(", ", entry.Permissions));
        var package = await source.OpenPackageAsync(entry, cancellationToken).ConfigureAwait(false);
        await using (package.ConfigureAwait(false))
        {
            var change = plan.IsUpgrade
                ? await registry.UpgradeAsync(package, cancellationToken).ConfigureAwait(false)
                : await registry.InstallAsync(package, enable: true, cancellationToken).ConfigureAwait(false);
            changes.Add(change);
        }
        visiting.Remove(name);
    }

    private static MarketplaceEntry Pick(IReadOnlyList<MarketplaceEntry> all, string name, string? version)
    {
        var versions = all.Where(e => e.Name == name).ToList();
        if (versions.Count == 0) throw new MarketplaceException($"No marketplace source offers a plugin named '{name}'.");
        if (version is null) return versions[0];
        return versions.FirstOrDefault(e => e.Version == version || (e.SemanticVersion is { } v && SemanticVersion.TryParse(version, out var wanted) && v == wanted))
            ?? throw new MarketplaceException($"No marketplace source offers {name} {version}; offered: {string.Join(", ", versions.Select(v => v.Version))}.");
    }

    /// <summary>Every entry of every source, de-duplicated (first source wins), by name then newest version first.</summary>
    private async Task<IReadOnlyList<MarketplaceEntry>> ListAllAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<(string, string)>();
        var entries = new List<MarketplaceEntry>();
        foreach (var source in _sources)
        {
            IReadOnlyList<MarketplaceEntry> listed;
            try
            {
                listed = await source.ListAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MarketplaceException e)
            {
                logger.LogWarning("Marketplace source {Source} is skipped: {Error}", source.Name, e.Message);
                continue;
            }
            foreach (var entry in listed)
            {
                if (entry.SemanticVersion is null || !PluginManifest.IsValidName(entry.Name))
                {
                    logger.LogWarning("Marketplace source {Source} lists '{Name}' '{Version}', which is not a valid plugin name and version; skipped.", source.Name, entry.Name, entry.Version);
                    continue;
                }
                if (seen.Add((entry.Name, entry.SemanticVersion.ToString()))) entries.Add(entry with { Source = source.Name });
            }
        }
        return entries.OrderBy(e => e.Name, StringComparer.Ordinal).ThenByDescending(e => e.SemanticVersion).ToList();
    }
}

/// <summary>A marketplace search: every given criterion must match.</summary>
/// <param name="Text">Case-insensitive text found in the name, description or a tag.</param>
/// <param name="Category">The category, exactly (ignoring case).</param>
/// <param name="Tag">One of the tags, exactly (ignoring case).</param>
/// <param name="AllVersions">Every version instead of the newest of each plugin.</param>
public sealed record MarketplaceQuery(string? Text = null, string? Category = null, string? Tag = null, bool AllVersions = false)
{
    public bool Matches(MarketplaceEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!string.IsNullOrWhiteSpace(Text))
        {
            var text = Text.Trim();
            if (!entry.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
                && !entry.Description.Contains(text, StringComparison.OrdinalIgnoreCase)
                && !entry.Tags.Any(t => t.Contains(text, StringComparison.OrdinalIgnoreCase)))
                return false;
        }
        if (!string.IsNullOrWhiteSpace(Category) && !string.Equals(entry.Category, Category.Trim(), StringComparison.OrdinalIgnoreCase)) return false;
        if (!string.IsNullOrWhiteSpace(Tag) && !entry.Tags.Contains(Tag.Trim(), StringComparer.OrdinalIgnoreCase)) return false;
        return true;
    }
}

/// <summary>What installing a plugin from the marketplace would mean; shown to the user before they confirm.</summary>
/// <param name="Plugin">The entry that would be installed.</param>
/// <param name="Permissions">What it asks to be allowed, each explained.</param>
/// <param name="Dependencies">Each dependency and where it would come from.</param>
/// <param name="InstalledVersions">Versions of the same plugin already installed.</param>
/// <param name="IsUpgrade">Older versions are installed; this one would be installed beside them and become the floating default.</param>
/// <param name="Problems">Why the install would be refused; empty when it can go ahead.</param>
public sealed record PluginInstallPlan(
    MarketplaceEntry Plugin,
    IReadOnlyList<PermissionRequest> Permissions,
    IReadOnlyList<DependencyPlan> Dependencies,
    IReadOnlyList<string> InstalledVersions,
    bool IsUpgrade,
    IReadOnlyList<string> Problems)
{
    public bool CanInstall => Problems.Count == 0;
}

/// <summary>One permission a plugin asks for.</summary>
public sealed record PermissionRequest(string Name, string Description);

/// <summary>One dependency of a plugin about to be installed.</summary>
/// <param name="InstalledVersion">The newest installed version in range, when <see cref="DependencyState.Installed"/>.</param>
/// <param name="AvailableVersion">The newest version in range a source offers, if any.</param>
public sealed record DependencyPlan(string Name, string Range, DependencyState State, string? InstalledVersion, string? AvailableVersion);

/// <summary>Where a dependency would come from.</summary>
public enum DependencyState
{
    /// <summary>An installed version satisfies it.</summary>
    Installed,

    /// <summary>Not installed in range, but a source offers a version in range; it is installed first.</summary>
    Available,

    /// <summary>Installed, but no installed or offered version is in range.</summary>
    Conflict,

    /// <summary>Neither installed nor offered.</summary>
    Missing,
}

/// <summary>Plain-language meanings of <see cref="PluginPermissions"/>, for the install confirmation.</summary>
public static class PermissionDescriptions
{
    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        [PluginPermissions.Network] = "Open network connections to any host (without it the plugin has no network at all).",
        [PluginPermissions.JavaScript] = "Run scripts, e.g. JavaScript in a browser or user-supplied code.",
        [PluginPermissions.Credentials] = "Receive the credentials a workflow step names in its inputs.",
        [PluginPermissions.Storage] = "Read and write the object store.",
        [PluginPermissions.Process] = "Start child processes (each gets its own limits; only the timeout bounds them all).",
        [PluginPermissions.Email] = "Send e-mail.",
        [PluginPermissions.Database] = "Query databases.",
    };

    /// <summary>The description of <paramref name="permission"/>, or a note that it is unknown.</summary>
    public static string Describe(string permission) =>
        Descriptions.TryGetValue(permission, out var description) ? description : $"Unknown permission '{permission}' (installation will be refused).";
}
