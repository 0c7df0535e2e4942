using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Runtime.Plugins.Marketplace;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Sandbox;

namespace OpenClaw.Runtime.Tests.Plugins;

/// <summary>The marketplace catalogue: search, install plans (permissions shown before install), and both kinds of source.</summary>
public sealed class MarketplaceCatalogTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "openclaw-marketplace-tests", Guid.NewGuid().ToString("N"));
    private RegistryHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await RegistryHarness.StartAsync();
        Directory.CreateDirectory(_folder);
        Write("csv-tools-1.0.0.zip", Package("csv-tools", "1.0.0", "data", ["csv", "files"]));
        Write("csv-tools-1.1.0.zip", Package("csv-tools", "1.1.0", "data", ["csv", "files"]));
        Write("web-fetch-2.0.0.zip", Package("web-fetch", "2.0.0", "data-collection", ["http", "scraping"],
            permissions: ["network", "credentials"], dependencies: ["csv-tools@^1.0.0", "log@^1"]));
        Write("needs-nothing-there-1.0.0.zip", Package("needs-nothing-there", "1.0.0", "data", [], dependencies: ["nowhere@^1"]));
        Write("broken.zip", "not a zip at all"u8.ToArray());
        Write("tampered-1.0.0.zip", TestPackages.Tamper(Package("tampered", "1.0.0", "data", []), TestPackages.Assembly, "MZ: changed"u8.ToArray()));
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Search_ByNameCategoryAndTag_ReturnsTheNewestVersionOfEachMatch()
    {
        var marketplace = Marketplace(new FolderMarketplaceSource(_folder));

        Assert.Equal(["csv-tools 1.1.0", "needs-nothing-there 1.0.0", "web-fetch 2.0.0"], Names(await marketplace.SearchAsync()));
        Assert.Equal(["csv-tools 1.1.0"], Names(await marketplace.SearchAsync(new MarketplaceQuery(Text: "CSV"))));
        Assert.Equal(["web-fetch 2.0.0"], Names(await marketplace.SearchAsync(new MarketplaceQuery(Category: "data-collection"))));
        Assert.Equal(["web-fetch 2.0.0"], Names(await marketplace.SearchAsync(new MarketplaceQuery(Tag: "http"))));
        Assert.Equal(["csv-tools 1.1.0", "csv-tools 1.0.0"], Names(await marketplace.SearchAsync(new MarketplaceQuery(Text: "csv", AllVersions: true))));
        Assert.Empty(await marketplace.SearchAsync(new MarketplaceQuery(Text: "csv", Category: "data-collection")));
        var entry = (await marketplace.SearchAsync(new MarketplaceQuery(Text: "web-fetch")))[0];
        Assert.Equal("folder " + _folder, entry.Source);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(_folder, "web-fetch-2.0.0.zip")))), entry.PackageSha256);
    }

    [Fact]
    public async Task Search_SkipsBrokenAndTamperedPackages()
    {
        var names = Names(await Marketplace(new FolderMarketplaceSource(_folder)).SearchAsync(new MarketplaceQuery(AllVersions: true)));

        Assert.DoesNotContain(names, n => n.StartsWith("tampered", StringComparison.Ordinal));
        Assert.Equal(4, names.Count);
    }

    [Fact]
    public async Task InstallPlan_ShowsThePermissionsAskedFor_AndWhereEachDependencyComesFrom()
    {
        var plan = await Marketplace(new FolderMarketplaceSource(_folder)).GetInstallPlanAsync("web-fetch");

        Assert.Equal("2.0.0", plan.Plugin.Version);
        Assert.Equal(["network", "credentials"], plan.Permissions.Select(p => p.Name));
        Assert.StartsWith("Open network connections", plan.Permissions[0].Description, StringComparison.Ordinal);
        Assert.StartsWith("Receive the credentials", plan.Permissions[1].Description, StringComparison.Ordinal);
        Assert.Equal(new MarketplaceResources { MemoryMb = 64, CpuTimeSeconds = 5 }, plan.Plugin.Resources);
        Assert.Collection(plan.Dependencies,
            d => Assert.Equal(new DependencyPlan("csv-tools", "^1.0.0", DependencyState.Available, null, "1.1.0"), d),
            d => Assert.Equal(new DependencyPlan("log", "^1", DependencyState.Installed, "1.0.0", null), d));
        Assert.False(plan.IsUpgrade);
        Assert.True(plan.CanInstall, string.Join("; ", plan.Problems));
    }

    [Fact]
    public async Task InstallPlan_WithADependencyNobodyOffers_SaysWhyItCannotInstall()
    {
        var marketplace = Marketplace(new FolderMarketplaceSource(_folder));

        var plan = await marketplace.GetInstallPlanAsync("needs-nothing-there");

        Assert.Equal(DependencyState.Missing, Assert.Single(plan.Dependencies).State);
        Assert.False(plan.CanInstall);
        Assert.Contains("Needs 'nowhere@^1', which is neither installed nor offered by any source.", plan.Problems);
        var missing = await Assert.ThrowsAsync<MarketplaceException>(() => marketplace.GetInstallPlanAsync("no-such-plugin"));
        Assert.Contains("No marketplace source offers a plugin named 'no-such-plugin'", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<MarketplaceException>(() => marketplace.GetInstallPlanAsync("csv-tools", "9.9.9"));
    }

    [Fact]
    public async Task HttpSource_ReadsAnotherServersCatalogue()
    {
        var package = File.ReadAllBytes(Path.Combine(_folder, "web-fetch-2.0.0.zip"));
        await using var server = await CatalogueServer.StartAsync(package, sha: Convert.ToHexStringLower(SHA256.HashData(package)));
        using var http = new HttpClient();
        var source = new HttpMarketplaceSource(server.Address, http);
        var marketplace = Marketplace(source, new FolderMarketplaceSource(_folder));

        var found = await marketplace.SearchAsync(new MarketplaceQuery(Tag: "scraping"));

        var entry = Assert.Single(found);
        Assert.Equal(("web-fetch", "2.0.0", server.Address.AbsoluteUri), (entry.Name, entry.Version, entry.Source));
        Assert.Equal(["network", "credentials"], entry.Permissions);
        var plan = await marketplace.GetInstallPlanAsync("web-fetch");
        Assert.Equal(["network", "credentials"], plan.Permissions.Select(p => p.Name));
        await using var download = await source.OpenPackageAsync(entry);
        Assert.Equal(package.Length, download.Length);
    }

    [Fact]
    public async Task HttpSource_DownloadThatDoesNotHashToTheListedSha_IsRefused_AndNothingIsInstalled()
    {
        var package = File.ReadAllBytes(Path.Combine(_folder, "csv-tools-1.0.0.zip"));
        await using var server = await CatalogueServer.StartAsync(package, sha: new string('0', 64));
        using var http = new HttpClient();
        var marketplace = Marketplace(new HttpMarketplaceSource(server.Address, http));

        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => marketplace.InstallAsync("csv-tools"));

        Assert.Contains("not the listed 0000", refused.Message, StringComparison.Ordinal);
        await _harness.AssertNothingInstalledAsync();
    }

    [Fact]
    public async Task HttpSource_UnreachableServer_IsSkippedWithAWarning()
    {
        using var http = new HttpClient();
        var logs = new List<string>();
        var unreachable = new HttpMarketplaceSource(new Uri("http://127.0.0.1:9/"), http);
        var marketplace = new PluginMarketplace([unreachable, new FolderMarketplaceSource(_folder)], _harness.Registry, new ListLogger<PluginMarketplace>(logs));

        Assert.Equal(3, (await marketplace.SearchAsync()).Count);
        Assert.Contains(logs, l => l.Contains("http://127.0.0.1:9/ is skipped", StringComparison.Ordinal));
    }

    private PluginMarketplace Marketplace(params IMarketplaceSource[] sources) =>
        new(sources, _harness.Registry, NullLogger<PluginMarketplace>.Instance);

    private static List<string> Names(IEnumerable<MarketplaceEntry> entries) => entries.Select(e => $"{e.Name} {e.Version}").ToList();

    private void Write(string name, byte[] content) => File.WriteAllBytes(Path.Combine(_folder, name), content);

    private static byte[] Package(string name, string version, string category, string[] tags, string[]? permissions = null, string[]? dependencies = null)
    {
        var manifest = TestPackages.Manifest(name, version);
        manifest["category"] = category;
        manifest["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray());
        manifest["permissions"] = new JsonArray((permissions ?? []).Select(p => (JsonNode)p).ToArray());
        manifest["dependencies"] = new JsonArray((dependencies ?? []).Select(d => (JsonNode)d).ToArray());
        return TestPackages.Build(manifest);
    }
}

/// <summary>Installing from the marketplace: the sample plugin from another server, and an upgrade from a folder.</summary>
[Collection(GreeterCollection.Name)]
public sealed class MarketplaceInstallTests(GreeterPackages packages)
{
    [SandboxFact]
    public async Task InstallFromAnotherServer_DownloadsValidatesAndInstalls()
    {
        await using var harness = await RegistryHarness.StartAsync();
        var package = await File.ReadAllBytesAsync(packages.V1);
        await using var server = await CatalogueServer.StartAsync(package, sha: Convert.ToHexStringLower(SHA256.HashData(package)));
        using var http = new HttpClient();
        var marketplace = new PluginMarketplace([new HttpMarketplaceSource(server.Address, http)], harness.Registry, NullLogger<PluginMarketplace>.Instance);

        var plan = await marketplace.GetInstallPlanAsync("greeter");
        Assert.Empty(plan.Permissions);
        Assert.True(plan.CanInstall, string.Join("; ", plan.Problems));
        var changes = await marketplace.InstallAsync("greeter");

        var change = Assert.Single(changes);
        Assert.Equal(("greeter", "1.0.0", true), (change.Plugin.Name, change.Plugin.Version.ToString(), change.Plugin.IsEnabled));
        Assert.Equal([PluginLifecycleHook.Install, PluginLifecycleHook.Enable], change.Hooks.Select(h => h.Hook));
        Assert.Equal(1, server.Downloads);
        var again = await marketplace.GetInstallPlanAsync("greeter");
        Assert.Contains("greeter 1.0.0 is already installed.", again.Problems);
    }

    [SandboxFact]
    public async Task InstallOfANewerVersion_IsAnUpgradeBesideTheInstalledOne()
    {
        await using var harness = await RegistryHarness.StartAsync();
        var folder = Path.Combine(harness.Folder, "market");
        Directory.CreateDirectory(folder);
        File.Copy(packages.V1, Path.Combine(folder, "greeter-1.0.0.zip"));
        File.Copy(packages.V2, Path.Combine(folder, "greeter-2.0.0.zip"));
        var marketplace = new PluginMarketplace([new FolderMarketplaceSource(folder)], harness.Registry, NullLogger<PluginMarketplace>.Instance);
        await marketplace.InstallAsync("greeter", "1.0.0");

        var plan = await marketplace.GetInstallPlanAsync("greeter");
        Assert.True(plan.IsUpgrade);
        Assert.Equal(["1.0.0"], plan.InstalledVersions);
        await marketplace.InstallAsync("greeter");

        Assert.Equal(["2.0.0", "1.0.0"], harness.Registry.List().Select(p => p.Version.ToString()));
        Assert.All(harness.Registry.List(), p => Assert.True(p.IsEnabled));
    }
}

/// <summary>
/// A stand-in for another OpenClaw server's marketplace endpoints on loopback: the catalogue (one entry, the given package)
/// and its download.
/// </summary>
internal sealed class CatalogueServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _downloads;

    private CatalogueServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public int Downloads => Volatile.Read(ref _downloads);

    public static async Task<CatalogueServer> StartAsync(byte[] package, string sha)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new CatalogueServer(app);
        PluginManifest manifest;
        await using (var reader = await PluginPackageReader.OpenAsync(new MemoryStream(package))) manifest = reader.Manifest!;
        var entry = MarketplaceEntry.FromManifest(manifest, "", sha, package.Length, MarketplaceCatalog.PackagePath(manifest.Name, manifest.Version.ToString()));

        app.MapGet("/" + MarketplaceCatalog.Path, () => Results.Json(new MarketplaceCatalog([entry]), MarketplaceCatalog.JsonOptions));
        app.MapGet("/" + MarketplaceCatalog.Path + "/{name}/{version}/package", (string name, string version) =>
        {
            if (name != manifest.Name || version != manifest.Version.ToString()) return Results.NotFound();
            Interlocked.Increment(ref server._downloads);
            return Results.Bytes(package, "application/zip");
        });
        await app.StartAsync();
        server.Address = new Uri(app.Urls.First() + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Collects formatted log lines.</summary>
internal sealed class ListLogger<T>(List<string> lines) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (lines) lines.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
