using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Runtime.Plugins.Packages;

namespace OpenClaw.Runtime.Plugins.Marketplace;

/// <summary>
/// A folder of package files (<c>*.zip</c>, not searched recursively). Each well-formed package whose payload matches its
/// digest is offered; broken ones are skipped with a warning. A server can serve its own marketplace endpoint from one.
/// </summary>
public sealed class FolderMarketplaceSource : IMarketplaceSource
{
    private readonly string _folder;
    private readonly PluginPackageLimits _limits;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, (DateTime Modified, long Length, MarketplaceEntry? Entry)> _cache = new(StringComparer.Ordinal);

    public FolderMarketplaceSource(string folder, PluginPackageLimits? limits = null, ILogger<FolderMarketplaceSource>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _folder = Path.GetFullPath(folder);
        _limits = limits ?? PluginPackageLimits.Default;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string Name => "folder " + _folder;

    /// <inheritdoc />
    /// <remarks>A package is read once and remembered until its file changes (size or modification time).</remarks>
    public async Task<IReadOnlyList<MarketplaceEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(_folder)) return [];
        var entries = new List<MarketplaceEntry>();
        var files = Directory.GetFiles(_folder, "*.zip");
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            if (_cache.TryGetValue(file, out var cached) && cached.Modified == info.LastWriteTimeUtc && cached.Length == info.Length)
            {
                if (cached.Entry is not null) entries.Add(cached.Entry);
                continue;
            }
            var entry = await ReadEntryAsync(file, cancellationToken).ConfigureAwait(false);
            _cache[file] = (info.LastWriteTimeUtc, info.Length, entry);
            if (entry is not null) entries.Add(entry);
        }
        foreach (var gone in _cache.Keys.Except(files, StringComparer.Ordinal)) _cache.TryRemove(gone, out _);
        return entries;
    }

    /// <inheritdoc />
    public async Task<Stream> OpenPackageAsync(MarketplaceEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await ListAsync(cancellationToken).ConfigureAwait(false);
        var file = _cache.FirstOrDefault(c => c.Value.Entry is { } e && e.Name == entry.Name && e.Version == entry.Version).Key
            ?? throw new MarketplaceException($"{Name} no longer offers {entry.Name} {entry.Version}.");
        return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
    }

    /// <summary>The package file offering <paramref name="name"/> <paramref name="version"/>, for a server serving downloads; null when none.</summary>
    public async Task<string?> FindPackageFileAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        await ListAsync(cancellationToken).ConfigureAwait(false);
        return _cache.FirstOrDefault(c => c.Value.Entry is { } e && e.Name == name && e.Version == version).Key;
    }

    private async Task<MarketplaceEntry?> ReadEntryAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            PluginManifest manifest;
            var reader = await PluginPackageReader.OpenAsync(file, _limits, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (reader.Errors.Count > 0 || reader.Manifest is null)
                {
                    _logger.LogWarning("Skipping {Package}: {Problems}", file, string.Join("; ", reader.Errors));
                    return null;
                }
                if (reader.Manifest.Digest != reader.PayloadDigest)
                {
                    _logger.LogWarning("Skipping {Package}: its payload does not match the digest in plugin.json.", file);
                    return null;
                }
                manifest = reader.Manifest;
            }

            var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
                return MarketplaceEntry.FromManifest(manifest, Name, sha, stream.Length);
            }
        }
        catch (IOException e)
        {
            _logger.LogWarning("Skipping {Package}: {Error}", file, e.Message);
            return null;
        }
    }
}
