using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Server.Hosting;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>
/// The real server, built by the app's own composition, listening on a free loopback port with a temporary data
/// folder of its own. One per test class (IClassFixture); disposed with the class.
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
        .. _extraArgs,
    ];

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A client whose base address is the server's root.</summary>
    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        _app = OpenClawServer.Build(Args);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().TrimEnd('/') + "/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
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
