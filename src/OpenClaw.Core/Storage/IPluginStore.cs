namespace OpenClaw.Core.Storage;

/// <summary>
/// Installed third-party plugin versions (the <c>plugins</c> table): one row per tenant, name and version. The package files
/// live in object storage; the row says which versions exist and whether each is enabled.
/// </summary>
public interface IPluginStore
{
    /// <summary>Adds an installed version.</summary>
    /// <exception cref="DuplicateKeyException">The tenant already has that name and version (or a row with that id exists).</exception>
    /// <exception cref="ArgumentException">A key field is empty, the status is not one of <see cref="PluginStatuses.All"/>, or the metadata is not JSON.</exception>
    Task<PluginRecord> CreateAsync(PluginRecord plugin, CancellationToken cancellationToken = default);

    /// <summary>One installed version, or null.</summary>
    Task<PluginRecord?> GetAsync(string tenantId, string name, string version, CancellationToken cancellationToken = default);

    /// <summary>The tenant's installed versions (of one plugin when <paramref name="name"/> is given), by name, then oldest install first.</summary>
    Task<IReadOnlyList<PluginRecord>> ListAsync(string tenantId, string? name = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces status, metadata and <see cref="PluginRecord.UpdatedAt"/> of the version the record names.</summary>
    /// <remarks>The stored id and creation time are kept.</remarks>
    /// <returns>The stored record, or null when that version is not installed.</returns>
    /// <exception cref="ArgumentException">The status is not one of <see cref="PluginStatuses.All"/>, or the metadata is not JSON.</exception>
    Task<PluginRecord?> UpdateAsync(PluginRecord plugin, CancellationToken cancellationToken = default);

    /// <summary>Removes an installed version; false when there was none.</summary>
    Task<bool> DeleteAsync(string tenantId, string name, string version, CancellationToken cancellationToken = default);
}

/// <summary>One installed version of a plugin (a row of the <c>plugins</c> table).</summary>
/// <param name="Id">Unique across tenants.</param>
/// <param name="Status">One of <see cref="PluginStatuses"/>.</param>
/// <param name="Metadata">The package manifest and install details, as JSON text (kept exactly).</param>
public sealed record PluginRecord(
    string Id,
    string TenantId,
    string Name,
    string Version,
    string Status,
    string Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The states of an installed plugin version.</summary>
public static class PluginStatuses
{
    /// <summary>Files written and install hooks running; not callable. A row left in this state by a crash is cleaned up at start.</summary>
    public const string Installing = "installing";

    /// <summary>Callable by steps.</summary>
    public const string Enabled = "enabled";

    /// <summary>Installed, but steps calling it fail.</summary>
    public const string Disabled = "disabled";

    public static IReadOnlyList<string> All { get; } = [Installing, Enabled, Disabled];
}
