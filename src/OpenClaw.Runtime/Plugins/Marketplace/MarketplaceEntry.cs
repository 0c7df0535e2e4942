using System.Text.Json;
using System.Text.Json.Serialization;
using OpenClaw.Runtime.Plugins.Packages;

namespace OpenClaw.Runtime.Plugins.Marketplace;

/// <summary>
/// One plugin version a marketplace offers. Also the wire format of a server's marketplace endpoint (snake_case JSON,
/// see <see cref="MarketplaceCatalog"/>).
/// </summary>
/// <remarks>
/// <code>
/// {
///   "name": "greeter", "version": "1.0.0", "description": "Says hello", "author": "Acme", "category": "demo",
///   "tags": ["demo"], "permissions": ["network"], "dependencies": ["http-request@^1.0.0"],
///   "resources": { "memory_mb": 256, "cpu_time_seconds": 10 },
///   "digest": "sha256:…",           // the payload digest from plugin.json
///   "package_sha256": "…",          // SHA-256 of the zip file itself (hex), checked after download
///   "size_bytes": 12345,
///   "download_url": "/api/v2/marketplace/plugins/greeter/1.0.0/package"   // absolute, or relative to the server
/// }
/// </code>
/// </remarks>
public sealed record MarketplaceEntry
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public string Description { get; init; } = "";

    public string Author { get; init; } = "";

    public string Category { get; init; } = "general";

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>What the plugin asks to be allowed; shown before install.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary><c>name</c> or <c>name@range</c>.</summary>
    public IReadOnlyList<string> Dependencies { get; init; } = [];

    public MarketplaceResources Resources { get; init; } = new();

    /// <summary>The payload digest the manifest declares (<c>sha256:…</c>).</summary>
    public string Digest { get; init; } = "";

    /// <summary>Lower-case hex SHA-256 of the package file; when present, a download that does not match is refused.</summary>
    public string? PackageSha256 { get; init; }

    public long? SizeBytes { get; init; }

    /// <summary>Where the package is downloaded from: absolute, or relative to the server that listed it. Null for a local folder.</summary>
    public string? DownloadUrl { get; init; }

    /// <summary>Which configured source lists it (filled in by the client, not sent by servers).</summary>
    [JsonIgnore]
    public string Source { get; init; } = "";

    /// <summary>The version parsed, or null when the entry's version is not semantic.</summary>
    [JsonIgnore]
    public SemanticVersion? SemanticVersion => Packages.SemanticVersion.TryParse(Version, out var v) ? v : null;

    /// <summary>The entry describing a package's manifest.</summary>
    public static MarketplaceEntry FromManifest(PluginManifest manifest, string source, string? packageSha256 = null, long? sizeBytes = null, string? downloadUrl = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new MarketplaceEntry
        {
            Name = manifest.Name,
            Version = manifest.Version.ToString(),
            Description = manifest.Description,
            Author = manifest.Author,
            Category = manifest.Category,
            Tags = manifest.Tags,
            Permissions = manifest.Permissions,
            Dependencies = manifest.Dependencies.Select(d => d.ToString()).ToArray(),
            Resources = new MarketplaceResources { MemoryMb = manifest.Resources.MemoryMb, CpuTimeSeconds = manifest.Resources.CpuTimeSeconds },
            Digest = manifest.Digest ?? "",
            PackageSha256 = packageSha256,
            SizeBytes = sizeBytes,
            DownloadUrl = downloadUrl,
            Source = source,
        };
    }
}

/// <summary>The sandbox limits a plugin version asks for.</summary>
public sealed record MarketplaceResources
{
    public int MemoryMb { get; init; } = 512;

    public int CpuTimeSeconds { get; init; } = 30;
}

/// <summary>
/// The body of <c>GET /api/v2/marketplace/plugins</c> on an OpenClaw server: <c>{ "plugins": [ MarketplaceEntry, … ] }</c>.
/// The server also answers <c>GET</c> on each entry's <c>download_url</c> with the package zip (<c>application/zip</c>).
/// </summary>
/// <remarks>
/// Optional query parameters <c>q</c> (text in name, description or tags), <c>category</c> and <c>tag</c> filter the list;
/// the client also filters itself, so a server may ignore them.
/// </remarks>
public sealed record MarketplaceCatalog(IReadOnlyList<MarketplaceEntry> Plugins)
{
    /// <summary>The path of the catalogue endpoint, relative to a server's base address.</summary>
    public const string Path = "api/v2/marketplace/plugins";

    /// <summary>The download path a server should give an entry: <c>/api/v2/marketplace/plugins/{name}/{version}/package</c>.</summary>
    public static string PackagePath(string name, string version) =>
        $"/{Path}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version)}/package";

    /// <summary>snake_case, nulls omitted: how the catalogue is written and read.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
