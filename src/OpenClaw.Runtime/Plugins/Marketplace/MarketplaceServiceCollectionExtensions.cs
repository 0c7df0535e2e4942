using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenClaw.Runtime.Plugins.Registry;

namespace OpenClaw.Runtime.Plugins.Marketplace;

/// <summary>Sources of the plugin marketplace (configuration section <c>OpenClaw:Marketplace</c>).</summary>
public sealed class MarketplaceOptions
{
    /// <summary>Local folders of package files.</summary>
    public IList<string> Folders { get; } = [];

    /// <summary>Base addresses of other OpenClaw servers whose marketplace endpoint is read.</summary>
    public IList<Uri> Servers { get; } = [];
}

/// <summary>Registers the plugin marketplace.</summary>
public static class MarketplaceServiceCollectionExtensions
{
    /// <summary>HTTP client name used for marketplace servers (configure timeouts or proxies on it).</summary>
    public const string HttpClientName = "openclaw-marketplace";

    /// <summary>Adds <see cref="PluginMarketplace"/> over the configured sources; needs <c>AddOpenClawPluginRegistry</c>.</summary>
    public static IServiceCollection AddOpenClawMarketplace(this IServiceCollection services, Action<MarketplaceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MarketplaceOptions();
        configure(options);
        services.AddHttpClient(HttpClientName);
        foreach (var folder in options.Folders)
        {
            services.AddSingleton<IMarketplaceSource>(sp => new FolderMarketplaceSource(
                folder, sp.GetRequiredService<PluginRegistryOptions>().Limits, sp.GetService<ILogger<FolderMarketplaceSource>>()));
        }
        foreach (var server in options.Servers)
        {
            services.AddSingleton<IMarketplaceSource>(sp => new HttpMarketplaceSource(
                server, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), sp.GetRequiredService<PluginRegistryOptions>().Limits));
        }
        services.TryAddSingleton<PluginMarketplace>();
        return services;
    }
}
