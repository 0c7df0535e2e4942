using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Integrations;

/// <summary>
/// A real workflow calls a real loopback server with a stored credential. The server must receive the secret; nothing
/// the platform keeps (step history, execution outputs, API answers, log lines, the database files) may contain it.
/// </summary>
public sealed class CredentialRedactionTests : IAsyncLifetime
{
    private const string Token = "tok-7f3a9c1e55d2b8a4-very-secret";
    private const string ApiKey = "key-0b1c2d3e4f5a6978-also-secret";
    private readonly string _dataDirectory = TestServer.NewDataDirectory();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _logs = new();
    private TestServer _server = null!;
    private LoopbackHttpServer _remote = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(_dataDirectory, "--Logging:LogLevel:Default", "Debug");
        _server.Services.GetRequiredService<ILoggerFactory>().AddProvider(new CapturingLoggerProvider(_logs));
        _remote = await LoopbackHttpServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _remote.DisposeAsync();
        await _server.DisposeAsync();
        TestServer.DeleteDirectory(_dataDirectory);
    }

    private async Task<JsonElement> RunAsync(string definition)
    {
        var id = JsonDocument.Parse(definition).RootElement.Str("id");
        using (var created = await _server.Client.PostJsonAsync("api/v2/workflows", definition))
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        using var started = await _server.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
        var location = started.Headers.Location!.OriginalString.TrimStart('/');
        await Poll.UntilAsync(() => _server.Client.GetJsonAsync(location), e => e.Str("status") is "succeeded" or "failed", what: "the execution to finish");
        using var response = await _server.Client.GetAsync(location);
        return await response.ReadJsonAsync();
    }

    private async Task CreateCredentialsAsync(string bearer, string apiKey)
    {
        using (var r = await _server.Client.PostJsonAsync("api/v2/credentials", $$"""{ "name": "{{bearer}}", "type": "bearer", "values": { "token": "{{Token}}" } }"""))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _server.Client.PostJsonAsync("api/v2/credentials", $$"""{ "name": "{{apiKey}}", "type": "api_key", "values": { "value": "{{ApiKey}}", "in": "query", "name": "key" } }"""))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
    }

    private void AssertNowhere(string secret, JsonElement execution)
    {
        Assert.DoesNotContain(secret, execution.GetRawText());
        Assert.DoesNotContain(_logs, line => line.Contains(secret, StringComparison.Ordinal));
        var needle = Encoding.UTF8.GetBytes(secret);
        foreach (var file in Directory.GetFiles(_dataDirectory, "openclaw.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.False(copy.ToArray().AsSpan().IndexOf(needle) >= 0, $"{Path.GetFileName(file)} contains the secret");
        }
    }

    [Fact]
    public async Task SecretsReachTheRemoteServer_ButAreMaskedInStepHistoryOutputsLogsAndTheDatabase()
    {
        var bearer = "bearer_" + Guid.NewGuid().ToString("N")[..8];
        var apiKey = "key_" + Guid.NewGuid().ToString("N")[..8];
        await CreateCredentialsAsync(bearer, apiKey);
        var id = Definitions.NewId("redact");
        var execution = await RunAsync($$$"""
            {
              "id": "{{{id}}}", "name": "Redaction",
              "steps": [
                { "id": "call", "type": "plugin", "next_steps": ["keyed"],
                  "config": { "plugin": "http-request", "inputs": { "url": "{{{_remote.Url("echo")}}}", "method": "POST", "body": { "hello": "world" }, "auth": { "credential": "{{{bearer}}}" } } } },
                { "id": "keyed", "type": "plugin", "next_steps": ["say"],
                  "config": { "plugin": "http-request", "inputs": { "url": "{{{_remote.Url("keyed")}}}", "auth": { "credential": "{{{apiKey}}}" } } } },
                { "id": "say", "type": "plugin",
                  "config": { "plugin": "log", "inputs": { "message": "remote saw ${{ steps.call.output.body.headers.authorization }} and ${{ steps.keyed.output.url }}" } } }
              ],
              "outputs": { "seen": "${{ steps.call.output.body.headers.authorization }}", "url": "${{ steps.keyed.output.url }}" }
            }
            """);

        Assert.Equal("succeeded", execution.Str("status"));
        Assert.Contains(_remote.Received, r => r.Path == "/echo" && r.Headers["authorization"] == "Bearer " + Token);
        Assert.Contains(_remote.Received, r => r.Path == "/keyed" && r.Query.Contains(ApiKey, StringComparison.Ordinal));
        Assert.Equal("Bearer ***", execution.GetProperty("outputs").Str("seen"));
        Assert.StartsWith(_remote.Url("keyed"), execution.GetProperty("outputs").Str("url"));
        AssertNowhere(Token, execution);
        AssertNowhere(ApiKey, execution);
        AssertNowhere(Convert.ToBase64String(Encoding.UTF8.GetBytes(Token)), execution);
    }

    [Fact]
    public async Task AFailingStepThatEchoesTheSecret_HasItMaskedInItsError()
    {
        var bearer = "bearer_" + Guid.NewGuid().ToString("N")[..8];
        await CreateCredentialsAsync(bearer, "key_" + Guid.NewGuid().ToString("N")[..8]);
        _remote.Respond = r => (500, JsonSerializer.Serialize(new { error = "rejected " + r.Headers.GetValueOrDefault("authorization") }));
        var id = Definitions.NewId("redact");
        var execution = await RunAsync($$$"""
            {
              "id": "{{{id}}}", "name": "Redaction",
              "steps": [
                { "id": "call", "type": "plugin", "retry": { "max_retries": 0 },
                  "config": { "plugin": "http-request", "inputs": { "url": "{{{_remote.Url("fail")}}}", "auth": { "credential": "{{{bearer}}}" } } } }
              ]
            }
            """);

        Assert.Equal("failed", execution.Str("status"));
        Assert.Contains(_remote.Received, r => r.Path == "/fail" && r.Headers["authorization"] == "Bearer " + Token);
        var step = execution.GetProperty("steps").EnumerateArray().Single();
        Assert.Contains("500", step.GetRawText());
        AssertNowhere(Token, execution);
    }
}
