using System.Net;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>
/// The daily execution quota applies to every way an execution starts: API start, manual run, webhooks (async and
/// sync), schedule fires and retries from the start. Over it, callers get 429 with Retry-After; a schedule fire is
/// skipped and recorded as a <c>quota_exceeded</c> security event. Resuming a stopped execution is not a new start.
/// </summary>
public sealed class ExecutionQuotaTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(string Tenant, HttpClient Admin, string Workflow)> TenantAsync(int quota, string? definition = null)
    {
        var tenant = "quota-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await server.Client.PostJsonAsync("api/v2/tenants", $$"""{"id":"{{tenant}}","name":"Quota","max_executions_per_day":{{quota}}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var admin = await server.CreateTenantClientAsync(tenant, Roles.Admin);
        var id = Definitions.NewId("quota");
        using var workflow = await admin.PostJsonAsync("api/v2/workflows", definition?.Replace("ID", id, StringComparison.Ordinal) ?? Definitions.HelloJson(id));
        Assert.Equal(HttpStatusCode.Created, workflow.StatusCode);
        return (tenant, admin, id);
    }

    private static async Task AssertOverQuotaAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(429);
        Assert.Contains("quota", problem.Str("detail"), StringComparison.Ordinal);
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 86_400);
    }

    private static async Task<int> ExecutionsAsync(HttpClient admin, string workflow) =>
        (await admin.GetJsonAsync($"api/v2/executions?workflow_id={workflow}&limit=100")).GetProperty("items").GetArrayLength();

    [Fact]
    public async Task ManualRun_CountsAndIsRefusedOverTheQuota()
    {
        var (_, admin, workflow) = await TenantAsync(1);

        using var first = await admin.PostJsonAsync($"api/v2/workflows/{workflow}/run", "{}");
        using var second = await admin.PostJsonAsync($"api/v2/workflows/{workflow}/run", "{}");
        using var viaApi = await admin.PostJsonAsync($"api/v2/workflows/{workflow}/executions", "{}");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await AssertOverQuotaAsync(second);
        await AssertOverQuotaAsync(viaApi);
        Assert.Equal(1, await ExecutionsAsync(admin, workflow));
    }

    [Fact]
    public async Task AsyncAndSyncWebhooks_CountAndAreRefusedOverTheQuota()
    {
        var (_, admin, workflow) = await TenantAsync(2);
        async Task<string> HookAsync(string mode)
        {
            using var created = await admin.PostJsonAsync("api/v2/triggers", $$"""{ "workflow_id": "{{workflow}}", "mode": "{{mode}}" }""");
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return "api/v2/webhooks/" + (await created.ReadJsonAsync()).Str("path");
        }
        var asyncHook = await HookAsync("async");
        var syncHook = await HookAsync("sync");
        var anonymous = server.CreateAnonymousClient();

        using (var accepted = await anonymous.PostJsonAsync(asyncHook, """{"who":"A"}""")) Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using (var answered = await anonymous.PostJsonAsync(syncHook, """{"who":"S"}""")) Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        await AssertOverQuotaAsync(await anonymous.PostJsonAsync(asyncHook, """{"who":"A2"}"""));
        await AssertOverQuotaAsync(await anonymous.PostJsonAsync(syncHook, """{"who":"S2"}"""));

        Assert.Equal(2, await ExecutionsAsync(admin, workflow));
    }

    [Fact]
    public async Task RetryFromTheStart_IsANewStart_ButResumingTheFailedStepIsNot()
    {
        var (_, admin, workflow) = await TenantAsync(2, Definitions.FailingJson("ID"));
        using var started = await admin.PostJsonAsync($"api/v2/workflows/{workflow}/executions", "{}");
        var id = (await started.ReadJsonAsync()).Str("id");
        await Poll.UntilAsync(() => admin.GetJsonAsync($"api/v2/executions/{id}"), e => e.Str("status") == "failed", what: "the execution to fail");

        using (var fromStart = await admin.PostJsonAsync($"api/v2/executions/{id}/retry", """{"from":"start"}"""))
            Assert.Equal(HttpStatusCode.Accepted, fromStart.StatusCode);
        await AssertOverQuotaAsync(await admin.PostJsonAsync($"api/v2/executions/{id}/retry", """{"from":"start"}"""));
        using (var fromFailedStep = await admin.PostJsonAsync($"api/v2/executions/{id}/retry", """{"from":"failed_step"}"""))
            Assert.Equal(HttpStatusCode.Accepted, fromFailedStep.StatusCode);

        Assert.Equal(2, await ExecutionsAsync(admin, workflow));
    }

    [Fact]
    public async Task ScheduleFiresOverTheQuota_AreSkippedAndRecorded_NotLostSilently()
    {
        var (_, admin, workflow) = await TenantAsync(2);
        using (var schedule = await admin.PostJsonAsync("api/v2/schedules", $$"""{ "workflow_id": "{{workflow}}", "cron": "* * * * * *", "inputs": { "who": "cron" } }"""))
            Assert.Equal(HttpStatusCode.Created, schedule.StatusCode);

        // Every second a fire: two start, the next ones are refused and each leaves a security event.
        var events = await Poll.UntilAsync(() => admin.GetJsonAsync("api/v2/security/events?kind=quota_exceeded"),
            e => e.GetProperty("events").GetArrayLength() >= 2, TimeSpan.FromSeconds(30), "two refused schedule fires");

        var first = events.GetProperty("events")[0];
        Assert.Contains("daily quota of 2", first.Str("detail"), StringComparison.Ordinal);
        Assert.Contains(workflow, first.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(2, await ExecutionsAsync(admin, workflow));
        var runs = (await admin.GetJsonAsync($"api/v2/executions?workflow_id={workflow}&limit=100")).GetProperty("items").EnumerateArray();
        Assert.All(runs, r => Assert.Equal("cron", r.Str("trigger")));
    }

    [Fact]
    public async Task ATenantWithoutAQuota_IsNotCounted_AndAnotherTenantsQuotaDoesNotTouchIt()
    {
        var (_, limited, workflow) = await TenantAsync(1);
        (await limited.PostJsonAsync($"api/v2/workflows/{workflow}/executions", "{}")).Dispose();
        await AssertOverQuotaAsync(await limited.PostJsonAsync($"api/v2/workflows/{workflow}/executions", "{}"));

        var id = Definitions.NewId("free");
        (await server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();
        for (var i = 0; i < 3; i++)
        {
            using var started = await server.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
    }
}
