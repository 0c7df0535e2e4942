using System.Globalization;
using OpenClaw.Deploy.Tests.Nginx;
using OpenClaw.Runtime.Tests.Processes;

namespace OpenClaw.Deploy.Tests.Chaos;

/// <summary>
/// A scaled-out OpenClaw on loopback: API, worker and scheduler processes (the real server, configured by environment
/// variables exactly as deploy/kubernetes does) on one PostgreSQL database, with nginx running deploy/nginx's
/// configuration in front of the API processes.
/// </summary>
internal sealed class Fleet : IDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);

    private readonly string _connectionString;
    private readonly ChaosSettings _settings;
    private readonly HttpClient _http;
    private readonly List<ServerProcess> _everyProcess = [];
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("deploy-chaos-").FullName;
    private readonly string _credentialKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private Fleet(string connectionString, ChaosSettings settings, HttpClient http, string apiKey)
    {
        _connectionString = connectionString;
        _settings = settings;
        _http = http;
        ApiKey = apiKey;
    }

    /// <summary>The admin API key every process creates on start (<c>OpenClaw__Auth__BootstrapApiKey</c>).</summary>
    public string ApiKey { get; }

    public List<ServerProcess> Apis { get; } = [];

    public List<ServerProcess> Workers { get; } = [];

    public List<ServerProcess> Schedulers { get; } = [];

    public NginxProcess Nginx { get; private set; } = null!;

    /// <summary>Every process started, including stopped and replaced ones (for their output).</summary>
    public IReadOnlyList<ServerProcess> EveryProcess => _everyProcess;

    public static async Task<Fleet> StartAsync(string connectionString, ChaosSettings settings, HttpClient http)
    {
        // Seven processes share one server that other suites use too (CI's cluster allows 200 connections).
        connectionString += ";Maximum Pool Size=16";
        var fleet = new Fleet(connectionString, settings, http, "ock_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant());
        try
        {
            // One process first, alone: it migrates the database (the others would wait on the advisory lock anyway).
            fleet.Apis.Add(fleet.Start("api"));
            await fleet.Apis[0].WaitUntilReadyAsync(http, ReadyDeadline);
            for (var i = 1; i < settings.Apis; i++) fleet.Apis.Add(fleet.Start("api"));
            for (var i = 0; i < settings.Workers; i++) fleet.Workers.Add(fleet.Start("worker"));
            for (var i = 0; i < settings.Schedulers; i++) fleet.Schedulers.Add(fleet.Start("scheduler"));
            await Task.WhenAll(fleet._everyProcess.Select(p => p.WaitUntilReadyAsync(http, ReadyDeadline)));
            // The shipped 100 requests/s per client address would throttle the single load generator.
            fleet.Nginx = await NginxProcess.StartAsync(fleet.Apis.Select(a => new Uri(a.BaseUrl).Port).ToList(), webhookRate: "100000r/s");
            return fleet;
        }
        catch
        {
            fleet.Dispose();
            throw;
        }
    }

    /// <summary>SIGTERM an API process, wait for its graceful exit, then start a new one on the same port (nginx's upstream).</summary>
    /// <returns>The old process's exit code.</returns>
    public async Task<int> RestartApiAsync(int index)
    {
        var old = Apis[index];
        old.Terminate();
        if (!await old.WaitForExitAsync(TimeSpan.FromSeconds(45)))
            throw new TimeoutException($"api {old.ProcessId} did not stop within 45 s of SIGTERM. Output:\n{old.Output}");
        var replacement = Start("api", new Uri(old.BaseUrl).Port);
        Apis[index] = replacement;
        await replacement.WaitUntilReadyAsync(_http, ReadyDeadline);
        return old.ExitCode;
    }

    private ServerProcess Start(string role, int? port = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["OpenClaw__Storage"] = "postgres",
            ["OpenClaw__PostgresConnectionString"] = _connectionString,
            ["OpenClaw__Role"] = role,
            ["OpenClaw__DataDirectory"] = Path.Combine(_dataRoot, $"{role}-{_everyProcess.Count}"),
            ["OpenClaw__WorkerConcurrency"] = _settings.WorkerConcurrency.ToString(CultureInfo.InvariantCulture),
            ["OpenClaw__Auth__BootstrapApiKey"] = ApiKey,
            // One credential key for the fleet, as deploy/kubernetes/secret.yaml gives every pod.
            ["OpenClaw__Credentials__Key"] = _credentialKey,
            // The load comes from one client on one webhook path: lift the per-path limit (nginx's is lifted when rendered).
            ["OpenClaw__Webhooks__RateLimitPerSecond"] = "1000000",
            ["OpenClaw__Runtime__LeaseDuration"] = TimeSpan.FromSeconds(_settings.LeaseSeconds).ToString("c", CultureInfo.InvariantCulture),
            ["OpenClaw__Runtime__LeaseRenewInterval"] = "00:00:01",
            ["OpenClaw__Runtime__ReaperInterval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var process = ServerProcess.Start(role, environment, port);
        _everyProcess.Add(process);
        return process;
    }

    public void Dispose()
    {
        Nginx?.Dispose();
        foreach (var process in _everyProcess) process.Dispose();
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // Left under the temp folder.
        }
    }
}
