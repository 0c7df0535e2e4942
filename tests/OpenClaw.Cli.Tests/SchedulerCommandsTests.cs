using System.Net;
using System.Text.Json;
using OpenClaw.Cli.Tests.Infrastructure;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Cli.Tests;

/// <summary><c>queues</c>, <c>failed</c> and <c>schedules</c> against the real server, started in this process.</summary>
public sealed class SchedulerCommandsTests(TestServer server) : IClassFixture<TestServer>
{
    private string Url => server.BaseAddress.ToString();

    /// <summary>Runs the command line authenticated with the server's bootstrap API key.</summary>
    private static Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, "--api-key", TestServer.BootstrapApiKey]);

    private async Task<string> CreateWorkflowAsync(string json)
    {
        using var response = await server.Client.PostJsonAsync("api/v2/workflows", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).Str("id");
    }

    private async Task<Guid> RunToEndAsync(string workflowId)
    {
        using var response = await server.Client.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", "{}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.OriginalString.TrimStart('/');
        await Poll.UntilAsync(() => server.Client.GetJsonAsync(location), e => e.Str("status") is "succeeded" or "failed" or "cancelled", what: $"{location} to finish");
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Queues_PauseListStatsResume()
    {
        var paused = await RunAsync("queues", "pause", "cli-queue", "--server", Url);
        Assert.True(paused.ExitCode == 0, paused.ToString());
        Assert.Contains("paused", paused.Out);

        var list = await RunAsync("queues", "list", "--server", Url, "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var page = JsonDocument.Parse(list.Out))
            Assert.True(page.RootElement.GetProperty("items").EnumerateArray().Single(q => q.Str("name") == "cli-queue").GetProperty("paused").GetBoolean());

        var stats = await RunAsync("queues", "stats", "--server", Url);
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Contains("dead_letters", stats.Out);

        var resumed = await RunAsync("queues", "resume", "cli-queue", "--server", Url, "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        using (var queue = JsonDocument.Parse(resumed.Out)) Assert.False(queue.RootElement.GetProperty("paused").GetBoolean());

        var bad = await RunAsync("queues", "pause", "Not A Queue", "--server", Url);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("400", bad.Err);
        Assert.Contains("name:", bad.Err);
    }

    [Fact]
    public async Task Failed_ListShowRequeueWithInputsFile_AndDiscard()
    {
        var workflow = await CreateWorkflowAsync(Definitions.FailingJson(Definitions.NewId("cli")));
        var execution = await RunToEndAsync(workflow);

        var list = await RunAsync("failed", "list", "--workflow", workflow, "--server", Url, "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        string taskId;
        using (var page = JsonDocument.Parse(list.Out)) taskId = Assert.Single(page.RootElement.GetProperty("items").EnumerateArray()).Str("task_id");

        var show = await RunAsync("failed", "show", taskId, "--server", Url);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("broken", show.Out);
        Assert.Contains("missing", show.Out);

        using var folder = new TempFolder();
        var notObject = Path.Combine(folder.Path, "list.json");
        File.WriteAllText(notObject, "[1, 2]");
        var refused = await RunAsync("failed", "requeue", taskId, "--inputs", notObject, "--server", Url);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("must hold a JSON object", refused.Err);
        var absent = await RunAsync("failed", "requeue", taskId, "--inputs", Path.Combine(folder.Path, "nope.json"), "--server", Url);
        Assert.Equal(2, absent.ExitCode);
        Assert.Contains("cannot be read", absent.Err);

        var fixedInputs = Path.Combine(folder.Path, "inputs.json");
        File.WriteAllText(fixedInputs, """{ "data": { "missing": 7 }, "operations": [ { "op": "rename", "from": "missing", "to": "x" } ] }""");
        var requeued = await RunAsync("failed", "requeue", taskId, "--inputs", fixedInputs, "--server", Url);
        Assert.True(requeued.ExitCode == 0, requeued.ToString());
        var done = await Poll.UntilAsync(() => server.Client.GetJsonAsync($"api/v2/executions/{execution}"), e => e.Str("status") != "running", what: "the requeued execution");
        Assert.Equal("succeeded", done.Str("status"));

        var second = await RunToEndAsync(workflow);
        using (var page = JsonDocument.Parse((await RunAsync("failed", "list", "--workflow", workflow, "--server", Url, "--json")).Out))
            taskId = Assert.Single(page.RootElement.GetProperty("items").EnumerateArray()).Str("task_id");
        var discard = await RunAsync("failed", "discard", taskId, "--server", Url);
        Assert.True(discard.ExitCode == 0, discard.ToString());
        Assert.Contains("discarded", discard.Out);
        var again = await RunAsync("failed", "discard", taskId, "--server", Url);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("404", again.Err);
        Assert.Equal("failed", (await server.Client.GetJsonAsync($"api/v2/executions/{second}")).Str("status"));
    }

    [Fact]
    public async Task Schedules_CreateShowListPauseResumeDelete_AndBadInput()
    {
        var workflow = await CreateWorkflowAsync(Definitions.HelloJson(Definitions.NewId("cli")));
        using var folder = new TempFolder();
        var inputs = Path.Combine(folder.Path, "inputs.json");
        File.WriteAllText(inputs, """{ "who": "Grace" }""");

        var created = await RunAsync("schedules", "create", "--workflow", workflow, "--cron", "0 9 * * 1-5", "--time-zone", "Europe/Berlin",
            "--inputs", inputs, "--priority", "high", "--server", Url, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        string id;
        using (var schedule = JsonDocument.Parse(created.Out))
        {
            id = schedule.RootElement.Str("id");
            Assert.Equal("Grace", schedule.RootElement.GetProperty("inputs").Str("who"));
            Assert.Equal("high", schedule.RootElement.Str("priority"));
        }

        var show = await RunAsync("schedules", "show", id, "--count", "3", "--server", Url);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal(3, show.Out.Split('\n').Count(l => l.Contains("next:", StringComparison.Ordinal)));
        var list = await RunAsync("schedules", "list", "--workflow", workflow, "--server", Url);
        Assert.Contains(id, list.Out);
        Assert.Contains("paused", (await RunAsync("schedules", "pause", id, "--server", Url)).Out);
        Assert.Contains("enabled", (await RunAsync("schedules", "resume", id, "--server", Url)).Out);
        Assert.Contains("deleted", (await RunAsync("schedules", "delete", id, "--server", Url)).Out);
        Assert.Equal(2, (await RunAsync("schedules", "show", id, "--server", Url)).ExitCode);

        var badCron = await RunAsync("schedules", "create", "--workflow", workflow, "--cron", "61 * * * *", "--server", Url);
        Assert.Equal(2, badCron.ExitCode);
        Assert.Contains("$.cron:", badCron.Err);
        var noCron = await RunAsync("schedules", "create", "--workflow", workflow, "--server", Url);
        Assert.Equal(2, noCron.ExitCode);
        Assert.Contains("--cron is required", noCron.Err);
        var badPriority = await RunAsync("schedules", "create", "--workflow", workflow, "--cron", "* * * * *", "--priority", "urgent", "--server", Url);
        Assert.Equal(2, badPriority.ExitCode);
        var badId = await RunAsync("schedules", "show", "not-a-guid", "--server", Url);
        Assert.Equal(2, badId.ExitCode);
    }
}
