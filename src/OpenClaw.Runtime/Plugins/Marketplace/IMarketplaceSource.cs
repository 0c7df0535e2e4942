namespace OpenClaw.Runtime.Plugins.Marketplace;

/// <summary>Somewhere plugin packages are offered: a local folder, or another OpenClaw server's marketplace.</summary>
public interface IMarketplaceSource
{
    /// <summary>Shown with each entry, e.g. <c>folder /srv/plugins</c> or <c>https://plugins.example.com/</c>.</summary>
    string Name { get; }

    /// <summary>Every plugin version the source offers.</summary>
    /// <exception cref="MarketplaceException">The source could not be read.</exception>
    Task<IReadOnlyList<MarketplaceEntry>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens the package of an entry this source listed; the caller disposes the stream.</summary>
    /// <exception cref="MarketplaceException">The package could not be fetched, or it is not the file the entry describes.</exception>
    Task<Stream> OpenPackageAsync(MarketplaceEntry entry, CancellationToken cancellationToken = default);
}

/// <summary>A marketplace source could not be read, or a plugin is not offered.</summary>
public sealed class MarketplaceException : Exception
{
    public MarketplaceException()
    {
    }

    public MarketplaceException(string message)
        : base(message)
    {
    }

    public MarketplaceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
