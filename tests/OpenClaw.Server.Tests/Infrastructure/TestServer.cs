using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Hosting;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>
/// The real server, built by the app's own composition, listening on a free loopback port with a temporary data
/// folder of its own. One per test class (IClassFixture); disposed with the class. <see cref="Client"/> is the default
/// tenant's administrator (through the bootstrap API key); the Create*Client helpers make callers of other roles,
/// tenants and scopes, or none.
/// </summary>
public sealed class TestServer : IAsyncLifetime
{
    /// <summary>Body limit the tests run with, small so the 413 test need not send megabytes.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    private readonly bool _ownsDataDirectory;
    private WebApplication? _app;

    public TestServer()
        : this(NewDataDirectory(), ownsDataDirectory: true)
    {
    }

    private TestServer(string dataDirectory, bool ownsDataDirectory)
    {
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public string DataDirectory { get; }

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "openclaw-test-server-" + Guid.NewGuid().ToString("N"));

    /// <summary>Starts a server on a data folder the caller owns (and deletes), e.g. to restart on the same database.</summary>
    public static async Task<TestServer> StartAsync(string dataDirectory, params string[] extraArgs)
    {
        var server = new TestServer(dataDirectory, ownsDataDirectory: false) { _extraArgs = extraArgs };
        await server.InitializeAsync();
        return server;
    }

    private string[] _extraArgs = [];
    private readonly List<HttpClient> _clients = [];

    /// <summary>The all-scopes admin key of the default tenant every test server starts with (<c>OpenClaw:Auth:BootstrapApiKey</c>).</summary>
    public const string BootstrapApiKey = "ock_test-bootstrap-key-0123456789abcdefghijklmnop";

    /// <summary>The arguments the app is built with (the real composition reads them as configuration).</summary>
    public string[] Args =>
    [
        "--urls", "http://127.0.0.1:0",
        "--environment", "Production",
        "--OpenClaw:DataDirectory", DataDirectory,
        "--OpenClaw:WorkerConcurrency", "8",
        "--OpenClaw:SqliteSynchronous", "NORMAL",
        "--OpenClaw:MaxRequestBodyBytes", MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--Logging:LogLevel:Default", "Warning",
        "--OpenClaw:Auth:BootstrapApiKey", BootstrapApiKey,
        .. _extraArgs,
    ];

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A client whose base address is the server's root, authenticated as the default tenant's administrator.</summary>
    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        _app = OpenClawServer.Build(Args);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().TrimEnd('/') + "/");
        Client = CreateClient(BootstrapApiKey);
    }

    /// <summary>A client that sends no credentials.</summary>
    public HttpClient CreateAnonymousClient() => CreateClient(null);

    /// <summary>A client with <paramref name="bearer"/> (an access token or API key) in <c>Authorization</c>; disposed with the server.</summary>
    public HttpClient CreateClient(string? bearer)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        lock (_clients) _clients.Add(client);
        return client;
    }

    /// <summary>A new user of the default tenant with <paramref name="role"/>, logged in (an access token issued by the server).</summary>
    public Task<HttpClient> CreateClientAsync(string role) => CreateTenantClientAsync(RolePermissions.DefaultTenant, role);

    /// <summary>A new user with <paramref name="role"/> in <paramref name="tenantId"/> (created when missing), logged in.</summary>
    public async Task<HttpClient> CreateTenantClientAsync(string tenantId, string role)
    {
        var user = await CreateUserAsync(tenantId, role);
        var token = Services.GetRequiredService<AccessTokens>().ForUser(tenantId, user.Id, user.Username, role, mustChangePassword: false, Guid.NewGuid());
        return CreateClient(token.AccessToken);
    }

    /// <summary>A new user (random name, unusable password) with <paramref name="role"/> in <paramref name="tenantId"/>, which is created when missing.</summary>
    public async Task<UserRecord> CreateUserAsync(string tenantId, string role)
    {
        var store = Services.GetRequiredService<IIdentityStore>();
        var now = DateTimeOffset.UtcNow;
        if (await store.GetTenantAsync(tenantId) is null)
        {
            try
            {
                await store.CreateTenantAsync(new TenantRecord(tenantId, tenantId, null, null, null, now));
            }
            catch (DuplicateKeyException)
            {
                // Made by a test running beside this one.
            }
        }
        var name = $"{role}-{Guid.NewGuid():N}"[..20];
        return await store.CreateUserAsync(new UserRecord(Guid.CreateVersion7(), tenantId, name, null, "!unusable", role, true, false, 0, null, now, now));
    }

    /// <summary>A client with a new API key of the default tenant (admin role) narrowed to <paramref name="scopes"/>.</summary>
    public async Task<HttpClient> CreateApiKeyClientAsync(params string[] scopes)
    {
        var key = ApiKeyFormat.NewSecret(ApiKeyFormat.Prefix);
        await Services.GetRequiredService<IIdentityStore>().CreateApiKeyAsync(new ApiKeyRecord(Guid.CreateVersion7(), RolePermissions.DefaultTenant,
            "test key", ApiKeyFormat.Display(key), ApiKeyFormat.Hash(key), Roles.Admin, scopes, null, null, null, null, DateTimeOffset.UtcNow));
        return CreateClient(key);
    }

    public async Task DisposeAsync()
    {
        lock (_clients)
        {
            foreach (var client in _clients) client.Dispose();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_ownsDataDirectory) DeleteDirectory(DataDirectory);
    }

    public static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
