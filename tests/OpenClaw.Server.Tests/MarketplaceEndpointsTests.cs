using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Runtime.Tests.Plugins;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

/// <summary>
/// The marketplace over HTTP: a server serving a folder of packages, and a second server reading the first as its
/// marketplace. The Greeter in the folder asks for <c>network</c> (its manifest edited; the digest covers the payload only).
/// </summary>
[Collection(GreeterCollection.Name)]
public sealed class MarketplaceEndpointsTests(GreeterPackages packages) : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "openclaw-test-marketplace-" + Guid.NewGuid().ToString("N"));
    private readonly List<(TestServer Server, string DataDirectory)> _servers = [];
    private byte[] _package = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _package = PluginPackages.EditManifest(await File.ReadAllBytesAsync(packages.V1), m => m["permissions"] = new JsonArray("network"));
        await File.WriteAllBytesAsync(Path.Combine(_folder, "greeter-1.0.0.zip"), _package);
        // A broken file in the folder is skipped, not fatal.
        await File.WriteAllTextAsync(Path.Combine(_folder, "broken.zip"), "not a zip");
    }

    public async Task DisposeAsync()
    {
        foreach (var (server, dataDirectory) in _servers)
        {
            await server.DisposeAsync();
            TestServer.DeleteDirectory(dataDirectory);
        }
        TestServer.DeleteDirectory(_folder);
    }

    private async Task<TestServer> StartAsync(params string[] args)
    {
        var dataDirectory = TestServer.NewDataDirectory();
        var server = await TestServer.StartAsync(dataDirectory, args);
        _servers.Add((server, dataDirectory));
        return server;
    }

    private Task<TestServer> StartWithFolderAsync() => StartAsync("--OpenClaw:Marketplace:Folders:0", _folder);

    [Fact]
    public async Task Search_ListsTheFolder_WithDownloadUrls_AndServesThePackage()
    {
        var server = await StartWithFolderAsync();

        var catalog = await server.Client.GetJsonAsync("api/v2/marketplace/plugins?q=greet&category=samples&tag=sample");

        var entry = Assert.Single(catalog.GetProperty("plugins").EnumerateArray());
        Assert.Equal("greeter", entry.Str("name"));
        Assert.Equal("1.0.0", entry.Str("version"));
        Assert.Equal(["network"], entry.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToArray());
        Assert.Equal("/api/v2/marketplace/plugins/greeter/1.0.0/package", entry.Str("download_url"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_package)), entry.Str("package_sha256"));
        Assert.Empty((await server.Client.GetJsonAsync("api/v2/marketplace/plugins?q=nothing-like-it")).GetProperty("plugins").EnumerateArray());

        using var download = await server.Client.GetAsync(entry.Str("download_url").TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/zip", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(_package, await download.Content.ReadAsByteArrayAsync());

        using var missing = await server.Client.GetAsync("api/v2/marketplace/plugins/greeter/9.9.9/package");
        await missing.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Plan_ShowsPermissionsAndDependencies_BeforeInstall()
    {
        var server = await StartWithFolderAsync();

        var plan = await server.Client.GetJsonAsync("api/v2/marketplace/plugins/greeter/plan?version=1.0.0");

        Assert.Equal("greeter", plan.GetProperty("plugin").Str("name"));
        var permission = Assert.Single(plan.GetProperty("permissions").EnumerateArray());
        Assert.Equal("network", permission.Str("name"));
        Assert.Contains("network", permission.Str("description"), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(plan.GetProperty("dependencies").EnumerateArray());
        Assert.True(plan.GetProperty("can_install").GetBoolean());
        Assert.False(plan.GetProperty("is_upgrade").GetBoolean());

        using var unknown = await server.Client.GetAsync("api/v2/marketplace/plugins/nobody/plan");
        await unknown.AssertProblemAsync(404);
    }

    [SandboxFact]
    public async Task Install_FromAFolder_InstallsWithTheListedPermissions()
    {
        var server = await StartWithFolderAsync();

        using var response = await server.Client.PostAsync("api/v2/marketplace/plugins/greeter/install?version=1.0.0", null);

        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        Assert.Equal("/api/v2/plugins/greeter/1.0.0", response.Headers.Location!.OriginalString);
        var installed = await server.Client.GetJsonAsync("api/v2/plugins/greeter/1.0.0");
        Assert.Equal("enabled", installed.Str("status"));
        Assert.Equal(["network"], installed.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToArray());

        var plan = await server.Client.GetJsonAsync("api/v2/marketplace/plugins/greeter/plan");
        Assert.False(plan.GetProperty("can_install").GetBoolean());
    }

    [SandboxFact]
    public async Task Install_FromAnotherServersMarketplace()
    {
        var first = await StartWithFolderAsync();
        var second = await StartAsync("--OpenClaw:Marketplace:Servers:0", first.BaseAddress.AbsoluteUri);

        var catalog = await second.Client.GetJsonAsync("api/v2/marketplace/plugins?q=greeter");
        var entry = Assert.Single(catalog.GetProperty("plugins").EnumerateArray());
        Assert.Equal("1.0.0", entry.Str("version"));
        var plan = await second.Client.GetJsonAsync("api/v2/marketplace/plugins/greeter/plan");
        Assert.Equal("network", Assert.Single(plan.GetProperty("permissions").EnumerateArray()).Str("name"));

        using var response = await second.Client.PostAsync("api/v2/marketplace/plugins/greeter/install", null);

        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        Assert.Equal("greeter", Assert.Single(body.GetProperty("installed").EnumerateArray()).GetProperty("plugin").Str("name"));
        var list = await second.Client.GetJsonAsync("api/v2/plugins");
        Assert.Contains(list.GetProperty("plugins").EnumerateArray(), p => p.Str("name") == "greeter" && p.Str("status") == "enabled");
        // Installed on the second server only.
        var firstList = await first.Client.GetJsonAsync("api/v2/plugins");
        Assert.DoesNotContain(firstList.GetProperty("plugins").EnumerateArray(), p => p.Str("name") == "greeter");
    }

    [Fact]
    public async Task Install_NotOffered_Returns404()
    {
        var server = await StartWithFolderAsync();

        using var response = await server.Client.PostAsync("api/v2/marketplace/plugins/greeter/install?version=3.0.0", null);

        await response.AssertProblemAsync(404);
        Assert.Equal(JsonValueKind.Array, (await server.Client.GetJsonAsync("api/v2/plugins")).GetProperty("plugins").ValueKind);
    }
}
