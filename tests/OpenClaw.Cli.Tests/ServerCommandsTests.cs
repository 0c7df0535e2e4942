using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenClaw.Cli.Tests.Infrastructure;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Cli.Tests;

/// <summary><c>workflows list</c> and <c>executions get</c> against the real server, started in this process.</summary>
public sealed class ServerCommandsTests(TestServer server) : IClassFixture<TestServer>
{
    private string Url => server.BaseAddress.ToString();

    private async Task<string> CreateWorkflowAsync(string json)
    {
        using var response = await server.Client.PostJsonAsync("api/v2/workflows", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).Str("id");
    }

    private async Task<Guid> RunToEndAsync(string workflowId, string body = "{}")
    {
        using var response = await server.Client.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.OriginalString.TrimStart('/');
        await Poll.UntilAsync(() => server.Client.GetJsonAsync(location), e => e.Str("status") is "succeeded" or "failed" or "cancelled",
            what: $"{location} to finish");
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task WorkflowsList_PrintsATableOfTheServersWorkflows()
    {
        var id = await CreateWorkflowAsync(Definitions.HelloJson(Definitions.NewId("table"), "Tabled workflow"));

        var result = await CliRunner.RunAsync("workflows", "list", "--server", Url, "--api-key", TestServer.BootstrapApiKey);

        Assert.True(result.ExitCode == 0, result.ToString());
        var row = Assert.Single(result.Out.Split('\n'), line => line.Contains(id, StringComparison.Ordinal));
        Assert.Contains("Tabled workflow", row);
        Assert.Contains("draft", row);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public async Task WorkflowsList_Json_PrintsTheServersJson()
    {
        var id = await CreateWorkflowAsync(Definitions.HelloJson(Definitions.NewId("json")));

        var result = await CliRunner.RunAsync("workflows", "list", "--server", Url, "--api-key", TestServer.BootstrapApiKey, "--json", "--search", id);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var page = JsonDocument.Parse(result.Out);
        var item = Assert.Single(page.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal(1, item.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task WorkflowsList_ServerFromEnvironmentVariableFormat_AcceptsATrailingPathlessUrl()
    {
        var result = await CliRunner.RunAsync("workflows", "list", "-s", Url.TrimEnd('/'), "--json", "--api-key", TestServer.BootstrapApiKey);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(JsonDocument.Parse(result.Out).RootElement.TryGetProperty("items", out _));
    }

    [Fact]
    public async Task ExecutionsGet_PrintsStatusStepsAndOutputs()
    {
        var id = await CreateWorkflowAsync(Definitions.HelloJson(Definitions.NewId("exec")));
        var executionId = await RunToEndAsync(id, """{ "inputs": { "who": "Cli" } }""");

        var result = await CliRunner.RunAsync("executions", "get", executionId.ToString(), "--server", Url, "--api-key", TestServer.BootstrapApiKey);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"execution {executionId} of {id} v1: succeeded", result.Out);
        Assert.Contains(result.Out.Split('\n'), l => l.Contains("greet", StringComparison.Ordinal) && l.Contains("succeeded", StringComparison.Ordinal));
        Assert.Contains(result.Out.Split('\n'), l => l.Contains("done", StringComparison.Ordinal) && l.Contains("succeeded", StringComparison.Ordinal));
        Assert.Contains("Hello, Cli!", result.Out);
    }

    [Fact]
    public async Task ExecutionsGet_FailedExecution_ShowsItsError()
    {
        var id = await CreateWorkflowAsync(Definitions.FailingJson(Definitions.NewId("execfail")));
        var executionId = await RunToEndAsync(id);

        var result = await CliRunner.RunAsync("executions", "get", executionId.ToString(), "--server", Url, "--api-key", TestServer.BootstrapApiKey);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(": failed", result.Out);
        Assert.Contains("operations[0]", result.Out);
    }

    [Fact]
    public async Task ExecutionsGet_Json_PrintsTheServersJson()
    {
        var id = await CreateWorkflowAsync(Definitions.HelloJson(Definitions.NewId("execjson")));
        var executionId = await RunToEndAsync(id);

        var result = await CliRunner.RunAsync("executions", "get", executionId.ToString(), "--server", Url, "--api-key", TestServer.BootstrapApiKey, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var execution = JsonDocument.Parse(result.Out);
        Assert.Equal(executionId, execution.RootElement.GetProperty("id").GetGuid());
        Assert.Equal("succeeded", execution.RootElement.GetProperty("status").GetString());
        Assert.Equal(2, execution.RootElement.GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task ExecutionsGet_UnknownId_Exits2WithTheServersDetail()
    {
        var unknown = Guid.NewGuid();

        var result = await CliRunner.RunAsync("executions", "get", unknown.ToString(), "--server", Url, "--api-key", TestServer.BootstrapApiKey);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("404", result.Err);
        Assert.Contains(unknown.ToString(), result.Err);
    }

    [Fact]
    public async Task ExecutionsGet_IdNotAGuid_Exits2()
    {
        var result = await CliRunner.RunAsync("executions", "get", "not-a-guid", "--server", Url, "--api-key", TestServer.BootstrapApiKey);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error:", result.Err);
    }

    [Fact]
    public async Task UnreachableServer_Exits2WithAMessage()
    {
        var closed = ClosedPort();

        var result = await CliRunner.RunAsync("workflows", "list", "--server", $"http://127.0.0.1:{closed}");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"cannot reach http://127.0.0.1:{closed}/", result.Err);
        Assert.Equal("", result.Out);
    }

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("not a url")]
    public async Task ServerThatIsNotAnHttpUrl_Exits2(string url)
    {
        var result = await CliRunner.RunAsync("workflows", "list", "--server", url);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("is not an http(s) URL", result.Err);
    }

    [Theory]
    [InlineData(502, "text/html", "<html>bad gateway</html>")]
    [InlineData(200, "text/html", "<html>a web page</html>")]
    [InlineData(500, "application/json", "")]
    public async Task ServerAnsweringSomethingElse_Exits2WithoutACrash(int status, string contentType, string body)
    {
        await using var other = await StartFakeServerAsync(status, contentType, body);

        var result = await CliRunner.RunAsync("workflows", "list", "--server", other.Url);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error:", result.Err);
        Assert.DoesNotContain("Exception", result.Err);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Something that is not an OpenClaw server, answering every request the same way.</summary>
    private static async Task<FakeServer> StartFakeServerAsync(int status, string contentType, string body)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeServer(app, address);
    }

    private sealed record FakeServer(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
