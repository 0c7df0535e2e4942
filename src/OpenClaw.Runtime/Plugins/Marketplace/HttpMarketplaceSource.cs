using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using OpenClaw.Runtime.Plugins.Packages;

namespace OpenClaw.Runtime.Plugins.Marketplace;

/// <summary>
/// Another OpenClaw server's marketplace: <c>GET {server}/api/v2/marketplace/plugins</c> lists its entries (see
/// <see cref="MarketplaceCatalog"/>), and each entry's <c>download_url</c> serves the package.
/// </summary>
/// <remarks>
/// Downloads are buffered to a temporary file (deleted when the returned stream is closed), limited to the package size
/// limit, and refused when the entry gives a <c>package_sha256</c> the bytes do not hash to. The registry then validates
/// the package as it would any other, digest included.
/// </remarks>
public sealed class HttpMarketplaceSource : IMarketplaceSource
{
    private readonly HttpClient _http;
    private readonly Uri _server;
    private readonly PluginPackageLimits _limits;

    /// <param name="server">The server's base address, e.g. <c>https://plugins.example.com/</c>.</param>
    /// <param name="http">The client to use; not disposed here.</param>
    public HttpMarketplaceSource(Uri server, HttpClient http, PluginPackageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!server.IsAbsoluteUri || server.Scheme is not ("http" or "https"))
            throw new ArgumentException($"A marketplace server must be an absolute http(s) address, not '{server}'.", nameof(server));
        _server = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _limits = limits ?? PluginPackageLimits.Default;
    }

    public string Name => _server.AbsoluteUri;

    /// <inheritdoc />
    public async Task<IReadOnlyList<MarketplaceEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        var address = new Uri(_server, MarketplaceCatalog.Path);
        MarketplaceCatalog? catalog;
        try
        {
            using var response = await _http.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new MarketplaceException($"The marketplace at {address} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            catalog = await response.Content.ReadFromJsonAsync<MarketplaceCatalog>(MarketplaceCatalog.JsonOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new MarketplaceException($"The marketplace at {address} could not be reached: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new MarketplaceException($"The marketplace at {address} sent a catalogue that is not the expected JSON: {e.Message}", e);
        }
        return (catalog?.Plugins ?? []).Where(e => e is { Name: not null, Version: not null }).Select(e => e with { Source = Name }).ToList();
    }

    /// <inheritdoc />
    public async Task<Stream> OpenPackageAsync(MarketplaceEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (string.IsNullOrEmpty(entry.DownloadUrl))
            throw new MarketplaceException($"{Name} lists {entry.Name} {entry.Version} without a download_url.");
        var address = new Uri(_server, entry.DownloadUrl);
        if (address.Scheme is not ("http" or "https"))
            throw new MarketplaceException($"{entry.Name} {entry.Version} has a download_url that is not http(s): {address}.");

        var buffer = new FileStream(
            Path.Combine(Path.GetTempPath(), "openclaw-download-" + Guid.NewGuid().ToString("N") + ".zip"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            using var response = await _http.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new MarketplaceException($"Downloading {entry.Name} {entry.Version} from {address} failed: {(int)response.StatusCode} {response.ReasonPhrase}.");
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var chunk = new byte[81920];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > _limits.MaxPackageBytes)
                        throw new MarketplaceException($"{entry.Name} {entry.Version} from {address} is larger than {_limits.MaxPackageBytes} bytes.");
                    sha.AppendData(chunk, 0, read);
                    await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
                if (entry.PackageSha256 is { Length: > 0 } expected && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
                    throw new MarketplaceException($"The download of {entry.Name} {entry.Version} from {address} hashes to {actual}, not the listed {expected}; it was refused.");
            }
            buffer.Position = 0;
            return buffer;
        }
        catch (HttpRequestException e)
        {
            await buffer.DisposeAsync().ConfigureAwait(false);
            throw new MarketplaceException($"Downloading {entry.Name} {entry.Version} from {address} failed: {e.Message}", e);
        }
        catch
        {
            await buffer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
