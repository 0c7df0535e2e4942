using System.Net;
using System.Text.Json;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Scheduling;

/// <summary>
/// The scheduler's behaviours, each written once and run against both storage backends (the SQLite and PostgreSQL test
/// classes call them), over the real HTTP API with steps calling a real HTTP server.
/// </summary>
internal static class SchedulerScenarios
{
    /// <summary>
    /// A step failing on every attempt retries per its policy, then becomes a dead letter: listed, inspected with every
    /// attempt, requeued with corrected inputs (the same execution resumes and succeeds), after which it is gone.
    /// </summary>
    public static async Task DeadLetter_IsListedInspectedAndRequeuedWithEditedInputs(HttpClient http, ProbeHttpServer probe)
    {
        var id = Definitions.NewId("dl");
        await http.CreateWorkflowAsync(SchedulerApi.HttpWorkflow(id, probe.BaseUrl + "fail", retries: 2));
        var executionId = await http.StartAsync(id);
        var failed = await http.WaitForAsync(executionId, "failed", "succeeded");
        Assert.Equal("failed", failed.Str("status"));

        var letter = Assert.Single((await http.DeadLettersAsync(id)).EnumerateArray());
        var taskId = letter.GetProperty("task_id").GetGuid();
        Assert.Equal(executionId, letter.GetProperty("execution_id").GetGuid());
        Assert.Equal("call", letter.Str("step_key"));
        Assert.Equal("http-request", letter.Str("plugin"));
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
        Assert.Contains("500", letter.Str("last_error"));

        var detail = await http.GetJsonAsync($"api/v2/queues/failed/{taskId}");
        Assert.Equal(probe.BaseUrl + "fail", detail.GetProperty("inputs").Str("url"));
        var history = detail.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], history.Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.All(history, a => Assert.Equal("failed", a.Str("status")));
        Assert.All(history, a => Assert.Contains("500", a.Str("error")));
        // Fixed backoff of 50 ms: each retry starts at least that long after the previous attempt ended.
        for (int i = 1; i < history.Count; i++)
            Assert.True(history[i].GetProperty("started_at").GetDateTimeOffset() - history[i - 1].GetProperty("finished_at").GetDateTimeOffset() >= TimeSpan.FromMilliseconds(45));

        using (var requeue = await http.PostJsonAsync($"api/v2/queues/failed/{taskId}/requeue", $$"""{ "inputs": { "url": "{{probe.BaseUrl}}ok" } }"""))
        {
            Assert.True(requeue.StatusCode == HttpStatusCode.Accepted, await requeue.Content.ReadAsStringAsync());
            var body = await requeue.ReadJsonAsync();
            Assert.Equal(executionId, body.GetProperty("execution_id").GetGuid());
            Assert.Equal("failed_step", body.Str("from"));
        }

        var done = await http.WaitForAsync(executionId, "succeeded", "failed");
        Assert.Equal("succeeded", done.Str("status"));
        Assert.Equal(200, done.GetProperty("outputs").GetProperty("status").GetInt32());
        var call = SchedulerApi.Step(done, "call");
        Assert.Equal(4, call.GetProperty("attempt").GetInt32());
        Assert.Equal(probe.BaseUrl + "ok", call.GetProperty("inputs").Str("url"));
        Assert.Empty((await http.DeadLettersAsync(id)).EnumerateArray());
        using var gone = await http.GetAsync($"api/v2/queues/failed/{taskId}");
        await gone.AssertProblemAsync(404);
    }

    /// <summary>Discarding removes a dead letter from the list; the execution stays failed.</summary>
    public static async Task DeadLetter_Discarded_IsNoLongerListed_AndTheExecutionStaysFailed(HttpClient http)
    {
        var id = Definitions.NewId("dl");
        await http.CreateWorkflowAsync(Definitions.FailingJson(id));
        var executionId = await http.StartAsync(id);
        await http.WaitForAsync(executionId, "failed");
        var taskId = Assert.Single((await http.DeadLettersAsync(id)).EnumerateArray()).GetProperty("task_id").GetGuid();

        using (var discard = await http.DeleteAsync($"api/v2/queues/failed/{taskId}"))
            Assert.Equal(HttpStatusCode.NoContent, discard.StatusCode);

        Assert.Empty((await http.DeadLettersAsync(id)).EnumerateArray());
        Assert.Equal("failed", (await http.GetJsonAsync($"api/v2/executions/{executionId}")).Str("status"));
        using var again = await http.DeleteAsync($"api/v2/queues/failed/{taskId}");
        await again.AssertProblemAsync(404);
        using var requeue = await http.PostJsonAsync($"api/v2/queues/failed/{taskId}/requeue", "{}");
        await requeue.AssertProblemAsync(404);
    }

    /// <summary>Retry from the failed step resumes the same execution; retry from start makes a new one linked to it.</summary>
    public static async Task Retry_FromFailedStep_ResumesTheExecution_AndFromStart_StartsALinkedOne(HttpClient http)
    {
        var id = Definitions.NewId("rt");
        await http.CreateWorkflowAsync(Definitions.FailingJson(id));
        var original = await http.StartAsync(id);
        await http.WaitForAsync(original, "failed");

        using (var resumed = await http.PostJsonAsync($"api/v2/executions/{original}/retry", """{ "from": "failed_step" }"""))
        {
            Assert.True(resumed.StatusCode == HttpStatusCode.Accepted, await resumed.Content.ReadAsStringAsync());
            Assert.Equal(original, (await resumed.ReadJsonAsync()).GetProperty("execution_id").GetGuid());
        }
        // The step fails again the same way: a second attempt, recorded on the same execution.
        var again = await Poll.UntilAsync(() => http.GetJsonAsync($"api/v2/executions/{original}"),
            e => e.Str("status") == "failed" && SchedulerApi.Step(e, "broken").GetProperty("attempt").GetInt32() == 2, what: "the resumed step to fail again");
        Assert.Equal(2, SchedulerApi.Step(again, "broken").GetProperty("attempts").GetArrayLength());

        using var fresh = await http.PostJsonAsync($"api/v2/executions/{original}/retry", """{ "from": "start" }""");
        Assert.True(fresh.StatusCode == HttpStatusCode.Accepted, await fresh.Content.ReadAsStringAsync());
        var body = await fresh.ReadJsonAsync();
        var retried = body.GetProperty("execution_id").GetGuid();
        Assert.NotEqual(original, retried);
        Assert.Equal(original, body.GetProperty("retry_of").GetGuid());
        var run = await http.WaitForAsync(retried, "failed");
        Assert.Equal("retry", run.Str("trigger"));
        Assert.Equal(original, run.GetProperty("retry_of").GetGuid());
        Assert.Equal(id, run.Str("workflow_id"));
    }

    public static async Task Retry_And_Requeue_RefuseBadInput_UnknownIds_AndRunningExecutions(HttpClient http)
    {
        using (var bad = await http.PostJsonAsync($"api/v2/executions/{Guid.NewGuid()}/retry", """{ "from": "middle" }"""))
            Assert.Contains("$.from", (await bad.AssertProblemAsync(400)).ErrorKeys());
        using (var unknownField = await http.PostJsonAsync($"api/v2/executions/{Guid.NewGuid()}/retry", """{ "form": "start" }"""))
            Assert.Contains("$.form", (await unknownField.AssertProblemAsync(400)).ErrorKeys());
        using (var missing = await http.PostJsonAsync($"api/v2/executions/{Guid.NewGuid()}/retry", "{}"))
            await missing.AssertProblemAsync(404);
        using (var badInputs = await http.PostJsonAsync($"api/v2/queues/failed/{Guid.NewGuid()}/requeue", """{ "inputs": [1] }"""))
            Assert.Contains("$.inputs", (await badInputs.AssertProblemAsync(400)).ErrorKeys());
        using (var notJson = await http.PostJsonAsync($"api/v2/queues/failed/{Guid.NewGuid()}/requeue", "{oops"))
            Assert.Contains("$", (await notJson.AssertProblemAsync(400)).ErrorKeys());
        using (var unknown = await http.GetAsync($"api/v2/queues/failed/{Guid.NewGuid()}"))
            await unknown.AssertProblemAsync(404);
        using (var limit = await http.GetAsync("api/v2/queues/failed?limit=0"))
            Assert.Contains("limit", (await limit.AssertProblemAsync(400)).ErrorKeys());
        using (var cursor = await http.GetAsync("api/v2/queues/failed?cursor=nonsense"))
            Assert.Contains("cursor", (await cursor.AssertProblemAsync(400)).ErrorKeys());

        var id = Definitions.NewId("rt");
        await http.CreateWorkflowAsync(Definitions.DelayJson(id, "1h"));
        var running = await http.StartAsync(id);
        using var conflict = await http.PostJsonAsync($"api/v2/executions/{running}/retry", "{}");
        await conflict.AssertProblemAsync(409);
        using var cancel = await http.PostAsync($"api/v2/executions/{running}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);

        // A cancelled execution resumes from its cancelled step (the delay, waiting again).
        using var resume = await http.PostJsonAsync($"api/v2/executions/{running}/retry", "{}");
        Assert.True(resume.StatusCode == HttpStatusCode.Accepted, await resume.Content.ReadAsStringAsync());
        var waiting = await http.WaitForAsync(running, "running");
        var wait = SchedulerApi.Step(waiting, "wait");
        Assert.Contains(wait.Str("status"), new[] { "queued", "running" });
        Assert.Equal(2, wait.GetProperty("attempt").GetInt32());
        using var cancelAgain = await http.PostAsync($"api/v2/executions/{running}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancelAgain.StatusCode);
    }

    /// <summary>
    /// A paused queue keeps its tasks queued (a run in another queue started later finishes meanwhile); resuming runs them.
    /// <paramref name="pauser"/> and <paramref name="worker"/> may be two hosts on one database.
    /// </summary>
    /// <param name="pauseKnown">
    /// Waits until <paramref name="worker"/>'s process knows of the pause (on PostgreSQL it learns by NOTIFY, and until
    /// then a step started on it may go straight to its own workers: see docs/scheduler.md).
    /// </param>
    public static async Task PausedQueue_IsNotClaimed_UntilResumed(HttpClient pauser, HttpClient worker, ProbeHttpServer probe, Func<string, Task>? pauseKnown = null)
    {
        var queue = Definitions.NewId("q");
        var paused = Definitions.NewId("wf");
        var other = Definitions.NewId("wf");
        await pauser.CreateWorkflowAsync(SchedulerApi.HttpWorkflow(paused, probe.BaseUrl + "ok", queue: queue));
        await pauser.CreateWorkflowAsync(SchedulerApi.HttpWorkflow(other, probe.BaseUrl + "ok"));

        using (var pause = await pauser.PostAsync($"api/v2/queues/{queue}/pause", null))
        {
            Assert.True(pause.IsSuccessStatusCode, await pause.Content.ReadAsStringAsync());
            Assert.True((await pause.ReadJsonAsync()).GetProperty("paused").GetBoolean());
        }
        if (pauseKnown is not null) await pauseKnown(queue);
        var held = await worker.StartAsync(paused);
        var bystander = await worker.StartAsync(other);
        await worker.WaitForAsync(bystander, "succeeded");

        var still = await worker.GetJsonAsync($"api/v2/executions/{held}");
        Assert.Equal("queued", SchedulerApi.Step(still, "call").Str("status"));
        var listed = await worker.QueueAsync(queue);
        Assert.True(listed.GetProperty("paused").GetBoolean());
        Assert.Equal(1, listed.GetProperty("depth").GetProperty("normal").GetInt64());

        using (var resume = await worker.PostAsync($"api/v2/queues/{queue}/resume", null))
            Assert.False((await resume.ReadJsonAsync()).GetProperty("paused").GetBoolean());
        await worker.WaitForAsync(held, "succeeded");
        Assert.False((await pauser.QueueAsync("default")).GetProperty("paused").GetBoolean());
    }

    /// <summary>
    /// At most <c>concurrency</c> executions of the workflow run at once, measured by the HTTP server the steps call
    /// (each holds its request 150 ms); the others wait in the queue and all finish. <paramref name="clients"/> may be
    /// several hosts on one database, each starting a share of the executions.
    /// </summary>
    public static async Task WorkflowConcurrency_IsNeverExceeded(IReadOnlyList<HttpClient> clients, ProbeHttpServer probe, int limit = 2, int executions = 10)
    {
        var id = Definitions.NewId("cc");
        await clients[0].CreateWorkflowAsync(SchedulerApi.HttpWorkflow(id, probe.BaseUrl + "hold?ms=150", concurrency: limit));
        var started = new List<(HttpClient Client, Guid Id)>();
        for (int i = 0; i < executions; i++)
        {
            var client = clients[i % clients.Count];
            started.Add((client, await client.StartAsync(id)));
        }
        foreach (var (client, execution) in started) Assert.Equal("succeeded", (await client.WaitForAsync(execution, "succeeded", "failed")).Str("status"));

        Assert.True(probe.MaxConcurrent <= limit, $"{probe.MaxConcurrent} requests ran at once; the limit is {limit}");
        Assert.Equal(limit, probe.MaxConcurrent);
        Assert.Equal(executions, probe.Requests);
    }

    /// <summary>The statistics count what ran: submitted, completed, failed, retried and dead letters.</summary>
    public static async Task Stats_CountSubmittedCompletedFailedRetriedAndDeadLetters(HttpClient http, ProbeHttpServer probe)
    {
        var before = await http.GetJsonAsync("api/v2/queues/stats");
        var ok = Definitions.NewId("st");
        var bad = Definitions.NewId("st");
        await http.CreateWorkflowAsync(SchedulerApi.HttpWorkflow(ok, probe.BaseUrl + "ok"));
        await http.CreateWorkflowAsync(SchedulerApi.HttpWorkflow(bad, probe.BaseUrl + "fail", retries: 1));
        await http.WaitForAsync(await http.StartAsync(ok), "succeeded");
        await http.WaitForAsync(await http.StartAsync(bad), "failed");

        var after = await http.GetJsonAsync("api/v2/queues/stats");
        long Delta(string name) => after.GetProperty(name).GetInt64() - before.GetProperty(name).GetInt64();
        Assert.Equal(2, Delta("submitted"));
        Assert.Equal(1, Delta("completed"));
        Assert.Equal(1, Delta("failed"));
        Assert.Equal(1, Delta("retried"));
        Assert.Equal(1, Delta("dead_letters"));
        foreach (var priority in new[] { "low", "normal", "high", "critical" })
            Assert.True(after.GetProperty("depth").GetProperty(priority).GetInt64() >= 0);
        Assert.True(after.GetProperty("delayed").GetInt64() >= 0);
    }
}
