using System.Net;
using System.Text.Json;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

/// <summary>The built-in <c>code</c> plugin runs user code in the sandbox, never in the server process.</summary>
public sealed class CodeStepTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<JsonElement> RunAsync(string language, string code)
    {
        var id = Definitions.NewId("code");
        var definition = JsonSerializer.Serialize(new
        {
            id,
            name = id,
            steps = new object[]
            {
                new { id = "run", type = "plugin", retry = new { max_retries = 0 }, config = new { plugin = "code", inputs = new { language, code, inputs = new { a = 20 } } } },
            },
            outputs = new { result = "${{ steps.run.output.result }}" },
        });
        using (var created = await _http.PostJsonAsync("api/v2/workflows", definition))
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        using var started = await _http.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.OriginalString.TrimStart('/');
        return await Poll.UntilAsync(() => _http.GetJsonAsync(location), e => e.Str("status") is "succeeded" or "failed",
            timeout: TimeSpan.FromSeconds(60), what: "the code step to finish");
    }

    [SandboxFact]
    public async Task CSharpCode_RunsInTheSandbox_AndReturnsItsResult()
    {
        var execution = await RunAsync("csharp", "return (int)inputs[\"a\"]! + 22;");

        Assert.True(execution.Str("status") == "succeeded", execution.ToString());
        Assert.Equal(42, execution.GetProperty("outputs").GetProperty("result").GetInt32());
    }

    [SandboxFact]
    public async Task CodeThatConnectsToTheHost_CannotReachIt()
    {
        // A real listener on the host's loopback: the sandbox has a network namespace of its own, so the code's
        // 127.0.0.1 is not this one and the connection must fail without ever reaching the listener.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var execution = await RunAsync("python",
            $"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)\nreturn 'connected'");

        Assert.True(execution.Str("status") == "failed", execution.ToString());
        Assert.Contains("ConnectionRefusedError", execution.Str("error"));
        Assert.False(listener.Pending(), "the sandboxed code reached a socket on the host");
    }
}
