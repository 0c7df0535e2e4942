using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Hosting;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

/// <summary>The host as a whole: restarts on the same data folder, the folder lock, logging configuration.</summary>
public sealed class ServerHostingTests
{
    [Fact]
    public async Task Restart_OnTheSameDataFolder_KeepsWorkflowsAndFinishesWaitingExecutions()
    {
        var directory = TestServer.NewDataDirectory();
        try
        {
            var id = Definitions.NewId("restart");
            string location;
            await using (var first = await TestServer.StartAsync(directory))
            {
                using var created = await first.Client.PostJsonAsync("api/v2/workflows", Definitions.DelayJson(id, "1s"));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                using var started = await first.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
                location = started.Headers.Location!.OriginalString.TrimStart('/');
            }

            await using var second = await TestServer.StartAsync(directory);
            Assert.Equal(id, (await second.Client.GetJsonAsync($"api/v2/workflows/{id}")).Str("id"));
            var done = await Poll.UntilAsync(() => second.Client.GetJsonAsync(location), e => e.Str("status") is "succeeded" or "failed" or "cancelled",
                what: "the execution started before the restart to finish");
            Assert.Equal("succeeded", done.Str("status"));
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }

    /// <summary>
    /// The API refuses to delete a workflow with unfinished executions; this deletes it underneath, through the store,
    /// to show what the runtime does when an execution's definition is gone.
    /// </summary>
    [Fact]
    public async Task Restart_AfterTheWorkflowOfAWaitingExecutionWasDeleted_EndsTheExecution()
    {
        var directory = TestServer.NewDataDirectory();
        try
        {
            var id = Definitions.NewId("gone");
            string location;
            await using (var first = await TestServer.StartAsync(directory))
            {
                (await first.Client.PostJsonAsync("api/v2/workflows", Definitions.DelayJson(id, "1s"))).Dispose();
                using var started = await first.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
                location = started.Headers.Location!.OriginalString.TrimStart('/');
                Assert.True(await first.Services.GetRequiredService<IWorkflowStore>().DeleteAsync("default", id));
            }

            await using var second = await TestServer.StartAsync(directory);
            var done = await Poll.UntilAsync(() => second.Client.GetJsonAsync(location), e => e.Str("status") is "succeeded" or "failed" or "cancelled",
                timeout: TimeSpan.FromSeconds(15), what: "the execution of the deleted workflow to finish after the restart");
            Assert.NotEqual("running", done.Str("status"));
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task SecondServer_OnABusyDataFolder_RefusesToStartNamingTheFolder()
    {
        await using var first = new TestServer();
        await first.InitializeAsync();

        var ex = Assert.Throws<InvalidOperationException>(() => OpenClawServer.Build(first.Args));

        Assert.Contains(first.DataDirectory, ex.Message);
    }

    [Theory]
    [InlineData("json", "Development", "openclaw-json")]
    [InlineData(null, "Production", "openclaw-json")]
    [InlineData(null, "Development", "simple")]
    [InlineData("simple", "Production", "simple")]
    public void JsonConsoleLogging_IsSelectedByConfigurationOrProduction_WithTheSpecFormatter(string? formatter, string environment, string expected)
    {
        var directory = TestServer.NewDataDirectory();
        try
        {
            string[] args = ["--OpenClaw:DataDirectory", directory, "--urls", "http://127.0.0.1:0", "--environment", environment];
            if (formatter is not null) args = [.. args, "--Logging:Console:FormatterName", formatter];
            var app = OpenClawServer.Build(args);
            try
            {
                Assert.Equal(expected, app.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName ?? "simple");
                var json = app.Services.GetRequiredService<IOptionsMonitor<OpenClaw.Server.Observability.Logging.JsonLogFormatterOptions>>().CurrentValue;
                Assert.True(json.IncludeScopes);
                Assert.Equal("openclaw", json.Service);
            }
            finally
            {
                ((IDisposable)app).Dispose();
            }
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }
}
