using System.Net;
using Npgsql;
using OpenClaw.Deploy.Tests.Infrastructure;
using OpenClaw.Runtime.Tests.Processes;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Storage.Tests.Postgres;
using YamlDotNet.RepresentationModel;

namespace OpenClaw.Deploy.Tests.Kubernetes;

/// <summary>
/// Each Deployment's pod environment (ConfigMap, Secret and the container's own variables) run for real: the server
/// starts in that role on PostgreSQL and answers the probes' paths. Only what a test machine cannot have is replaced:
/// the database in the Secret, the data folder, and the listening address (loopback, a free port).
/// </summary>
public sealed class ManifestEnvironmentTests : IAsyncLifetime, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<ServerProcess> _processes = [];
    private PostgresTestServer _postgres = null!;
    private string _database = "";
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        if (PostgresTestServer.SkipReason is not null) return;
        _postgres = await PostgresTestServer.GetAsync();
        (_database, _connectionString) = await _postgres.CreateDatabaseAsync(migrated: false);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes) process.Dispose();
        if (_database.Length == 0) return;
        NpgsqlConnection.ClearAllPools();
        await _postgres.DropDatabaseAsync(_database);
    }

    public void Dispose() => _http.Dispose();

    [PostgresFact]
    public async Task Every_role_starts_from_its_manifest_environment_and_answers_its_probes()
    {
        var manifests = Manifest.LoadAll(Repository.PathOf("deploy", "kubernetes"));
        var configMap = Manifest.Map(manifests.Single(m => m.Kind == "ConfigMap").Node("data"));
        var secret = Manifest.Map(manifests.Single(m => m.Kind == "Secret").Node("stringData"));
        // Nothing real is ever committed in the template.
        Assert.All(secret, entry => Assert.Contains("CHANGE-ME", entry.Value, StringComparison.Ordinal));
        Assert.Equal(["OpenClaw__Auth__BootstrapApiKey", "OpenClaw__Auth__SigningKey", "OpenClaw__Credentials__Key", "OpenClaw__PostgresConnectionString"],
            secret.Keys.Order(StringComparer.Ordinal));
        var data = Directory.CreateTempSubdirectory("deploy-manifest-env-").FullName;
        try
        {
            var started = new List<(string Deployment, ServerProcess Process, List<string> Paths)>();
            foreach (var deployment in manifests.Where(m => m.Kind == "Deployment"))
            {
                var container = Manifest.Items(deployment.Node("spec.template.spec.containers")).Single();
                var environment = new Dictionary<string, string>(configMap, StringComparer.Ordinal);
                foreach (var (name, value) in secret) environment[name] = value;
                // The Secret is a template: its placeholders are replaced by values of the same kind.
                environment["OpenClaw__Credentials__Key"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                environment["OpenClaw__Auth__SigningKey"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
                environment["OpenClaw__Auth__BootstrapApiKey"] = "ock_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
                foreach (var variable in Manifest.Items(Manifest.Find(container, "env")))
                    environment[Manifest.TextAt(variable, "name")!] = Manifest.TextAt(variable, "value") ?? "";
                environment["OpenClaw__PostgresConnectionString"] = _connectionString;
                environment["OpenClaw__DataDirectory"] = Path.Combine(data, deployment.Name);
                environment.Remove("Urls");
                var probes = new[] { "startupProbe", "livenessProbe", "readinessProbe" }
                    .Select(p => Manifest.TextAt(container, $"{p}.httpGet.path")!).Distinct(StringComparer.Ordinal).ToList();
                var process = ServerProcess.Start(deployment.Name, environment);
                _processes.Add(process);
                started.Add((deployment.Name, process, probes));
            }

            foreach (var (deployment, process, paths) in started)
            {
                await process.WaitUntilReadyAsync(_http, TimeSpan.FromSeconds(90));
                // The probes' paths, and /metrics for the scrape the pod annotations ask for.
                foreach (var path in paths.Append("/metrics"))
                {
                    using var response = await _http.GetAsync($"{process.BaseUrl}{path}");
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{deployment}: GET {path} answered {(int)response.StatusCode}");
                }
                // Only the api role serves the REST API; workers and schedulers answer 404 there.
                using var api = await _http.GetAsync($"{process.BaseUrl}/api/v2/workflows");
                Assert.True((api.StatusCode == HttpStatusCode.NotFound) != deployment.EndsWith("-api", StringComparison.Ordinal),
                    $"{deployment}: GET /api/v2/workflows answered {(int)api.StatusCode}");
            }
        }
        finally
        {
            foreach (var process in _processes) process.Dispose();
            Directory.Delete(data, recursive: true);
        }
    }
}
