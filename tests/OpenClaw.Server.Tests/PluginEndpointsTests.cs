using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Runtime.Tests.Plugins;
using OpenClaw.Sandbox;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

/// <summary>The plugin registry over HTTP, with the sample Greeter packed by the plugin packer and run in the real sandbox.</summary>
[Collection(GreeterCollection.Name)]
public sealed class PluginEndpointsTests(TestServer server, GreeterPackages packages) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<JsonElement> RunGreeterWorkflowAsync(string workflowId)
    {
        using var started = await _http.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", "{}");
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var location = started.Headers.Location!.OriginalString.TrimStart('/');
        return await Poll.UntilAsync(() => _http.GetJsonAsync(location), e => e.Str("status") is "succeeded" or "failed" or "cancelled",
            what: $"{location} to finish");
    }

    private static JsonElement? Find(JsonElement list, string name, string version) =>
        list.GetProperty("plugins").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(p => p!.Value.Str("name") == name && p.Value.Str("version") == version);

    [SandboxFact]
    public async Task Install_List_RunStep_Disable_Enable_Upgrade_Uninstall()
    {
        using (var installed = await _http.PostAsync("api/v2/plugins", PluginPackages.Zip(await File.ReadAllBytesAsync(packages.V1))))
        {
            var body = await installed.ReadJsonAsync();
            Assert.True(installed.StatusCode == HttpStatusCode.Created, body.ToString());
            Assert.Equal("/api/v2/plugins/greeter/1.0.0", installed.Headers.Location!.OriginalString);
            Assert.Equal("enabled", body.GetProperty("plugin").Str("status"));
            Assert.Equal(new[] { "install", "enable" }, body.GetProperty("hooks").EnumerateArray().Select(h => h.Str("hook")));
        }

        var list = await _http.GetJsonAsync("api/v2/plugins");
        var greeter = Find(list, "greeter", "1.0.0") ?? throw new Xunit.Sdk.XunitException("greeter 1.0.0 is not listed: " + list);
        Assert.Equal("installed", greeter.Str("source"));
        Assert.Equal("enabled", greeter.Str("status"));
        Assert.Equal("samples", greeter.Str("category"));
        Assert.Empty(greeter.GetProperty("permissions").EnumerateArray());
        Assert.Equal(128, greeter.GetProperty("resources").GetProperty("memory_mb").GetInt32());
        Assert.StartsWith("sha256:", greeter.Str("digest"), StringComparison.Ordinal);
        var log = Find(list, "log", "1.0.0") ?? list.GetProperty("plugins").EnumerateArray().First(p => p.Str("name") == "log");
        Assert.Equal("built-in", log.Str("source"));
        // The declared schemas, from which the designer builds each step's form.
        Assert.Equal("string", log.GetProperty("inputs").GetProperty("properties").GetProperty("message").Str("type"));
        Assert.Equal(["message"], log.GetProperty("inputs").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("object", greeter.GetProperty("inputs").Str("type"));
        Assert.True(greeter.GetProperty("outputs").TryGetProperty("properties", out _));

        var workflowId = Definitions.NewId("greeter");
        using (var created = await _http.PostJsonAsync("api/v2/workflows", PluginPackages.GreeterWorkflowJson(workflowId)))
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var ran = await RunGreeterWorkflowAsync(workflowId);
        Assert.True(ran.Str("status") == "succeeded", ran.ToString());
        Assert.Equal("Hello, Ada!", ran.GetProperty("outputs").Str("greeting"));

        using (var disabled = await _http.PostAsync("api/v2/plugins/greeter/1.0.0/disable", null))
        {
            var body = await disabled.ReadJsonAsync();
            Assert.True(disabled.StatusCode == HttpStatusCode.OK, body.ToString());
            Assert.Equal("disabled", body.GetProperty("plugin").Str("status"));
        }
        var failed = await RunGreeterWorkflowAsync(workflowId);
        Assert.Equal("failed", failed.Str("status"));
        Assert.Contains("disabled", failed.ToString(), StringComparison.Ordinal);

        using (var enabled = await _http.PostAsync("api/v2/plugins/greeter/1.0.0/enable", null))
            Assert.Equal("enabled", (await enabled.ReadJsonAsync()).GetProperty("plugin").Str("status"));
        Assert.Equal("succeeded", (await RunGreeterWorkflowAsync(workflowId)).Str("status"));

        using (var upgraded = await _http.PostAsync("api/v2/plugins/greeter/upgrade", PluginPackages.Zip(await File.ReadAllBytesAsync(packages.V2))))
        {
            var body = await upgraded.ReadJsonAsync();
            Assert.True(upgraded.StatusCode == HttpStatusCode.Created, body.ToString());
            Assert.Equal("2.0.0", body.GetProperty("plugin").Str("version"));
        }
        Assert.Equal("2.0.0", (await RunGreeterWorkflowAsync(workflowId)).GetProperty("outputs").Str("version"));

        foreach (var version in new[] { "2.0.0", "1.0.0" })
        {
            using var removed = await _http.DeleteAsync($"api/v2/plugins/greeter/{version}");
            Assert.True(removed.StatusCode == HttpStatusCode.OK, await removed.Content.ReadAsStringAsync());
        }
        list = await _http.GetJsonAsync("api/v2/plugins");
        Assert.DoesNotContain(list.GetProperty("plugins").EnumerateArray(), p => p.Str("name") == "greeter");
        using (var gone = await _http.GetAsync("api/v2/plugins/greeter/1.0.0")) await gone.AssertProblemAsync(404);
        using (var again = await _http.DeleteAsync("api/v2/plugins/greeter/1.0.0")) await again.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Install_BrokenPackage_Returns400WithEveryPath_AndInstallsNothing()
    {
        var broken = PluginPackages.ZipOf(
            ("plugin.json", """{ "name": "Not A Name", "version": "one", "entry": { "assembly": "Missing.dll", "type": "X" }, "colour": "red" }"""),
            ("Other.dll", "MZ"));

        using var response = await _http.PostAsync("api/v2/plugins", PluginPackages.Zip(broken));

        var problem = await response.AssertProblemAsync(400);
        var keys = problem.ErrorKeys();
        Assert.Contains("$.name", keys);
        Assert.Contains("$.version", keys);
        Assert.Contains("$.colour", keys);
        var list = await _http.GetJsonAsync("api/v2/plugins");
        Assert.DoesNotContain(list.GetProperty("plugins").EnumerateArray(), p => p.Str("source") == "installed" && p.Str("name") is "Not A Name");
        var packagesFolder = Path.Combine(server.DataDirectory, "plugins");
        Assert.False(Directory.Exists(Path.Combine(packagesFolder, "Not A Name")));
    }

    [Fact]
    public async Task Validate_ReportsEveryProblem_WithoutInstalling()
    {
        var broken = PluginPackages.ZipOf(("plugin.json", """{ "name": "ok-name", "version": "1.0", "permissions": ["teleport"], "entry": { "assembly": "A.dll", "type": "A.P" } }"""));

        using var response = await _http.PostAsync("api/v2/plugins/validate", PluginPackages.Zip(broken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("valid").GetBoolean());
        var paths = body.GetProperty("errors").EnumerateArray().Select(e => e.Str("path")).ToList();
        Assert.Contains("$.version", paths);
        Assert.Contains(paths, p => p.StartsWith("$.permissions", StringComparison.Ordinal));
        Assert.Contains("$.digest", paths);
        Assert.Null(Find(await _http.GetJsonAsync("api/v2/plugins"), "ok-name", "1.0"));
    }

    [Fact]
    public async Task Install_NotAZip_Returns400_AndWrongContentType_Returns415()
    {
        using (var notZip = await _http.PostAsync("api/v2/plugins", PluginPackages.Zip("not a zip"u8.ToArray())))
            Assert.NotEmpty((await notZip.AssertProblemAsync(400)).ErrorKeys());
        using var json = await _http.PostJsonAsync("api/v2/plugins", "{}");
        await json.AssertProblemAsync(415);
    }

    [Fact]
    public async Task Enable_UnknownPlugin_Returns404()
    {
        using var response = await _http.PostAsync("api/v2/plugins/nobody/1.0.0/enable", null);

        var problem = await response.AssertProblemAsync(404);
        Assert.Equal("not-found", problem.Str("code"));
    }

    [Fact]
    public async Task Install_PackageOverTheLimit_Returns413()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        try
        {
            var small = await TestServer.StartAsync(dataDirectory, "--OpenClaw:Plugins:MaxPackageBytes", "2048");
            try
            {
                using var response = await small.Client.PostAsync("api/v2/plugins", PluginPackages.Zip(new byte[4096]));
                await response.AssertProblemAsync(413);
            }
            finally
            {
                await small.DisposeAsync();
            }
        }
        finally
        {
            TestServer.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task Upgrade_OfAPluginNotInstalled_Returns409_AndOfAnotherName_Returns400()
    {
        var lonely = PluginPackages.EditManifest(await File.ReadAllBytesAsync(packages.V1), m => m["name"] = "lonely-greeter");

        using (var response = await _http.PostAsync("api/v2/plugins/lonely-greeter/upgrade", PluginPackages.Zip(lonely)))
            Assert.Equal("not-an-upgrade", (await response.AssertProblemAsync(409)).Str("code"));
        using (var response = await _http.PostAsync("api/v2/plugins/someone-else/upgrade", PluginPackages.Zip(lonely)))
            Assert.Contains("$.name", (await response.AssertProblemAsync(400)).ErrorKeys());
        Assert.Null(Find(await _http.GetJsonAsync("api/v2/plugins"), "lonely-greeter", "1.0.0"));
    }

    [Fact]
    public async Task SecurityEvents_ListsRecentViolations_NewestFirst()
    {
        var sink = server.Services.GetRequiredService<ISecurityEventSink>();
        var plugin = "probe-" + Guid.NewGuid().ToString("N")[..8];
        var executionId = Guid.NewGuid();
        await sink.RecordAsync(new SandboxViolation(SandboxViolationKind.NetworkDenied, plugin, "connect refused", DateTimeOffset.UtcNow));
        await sink.RecordAsync(new SandboxViolation(SandboxViolationKind.Timeout, plugin, "30 s passed", DateTimeOffset.UtcNow)
        {
            ExecutionId = executionId,
            StepId = "hello",
        });

        var body = await _http.GetJsonAsync("api/v2/security/events?kind=sandbox_violation&limit=50");

        var mine = body.GetProperty("events").EnumerateArray().Where(e => e.Str("actor") == plugin).ToList();
        Assert.Equal(2, mine.Count);
        Assert.Equal("timeout", mine[0].GetProperty("data").Str("violation"));
        Assert.Equal(executionId, mine[0].GetProperty("data").GetProperty("execution_id").GetGuid());
        Assert.Equal("hello", mine[0].GetProperty("data").Str("step_id"));
        Assert.Equal("network_denied", mine[1].GetProperty("data").Str("violation"));
        Assert.Equal("connect refused", mine[1].Str("detail"));
    }
}
