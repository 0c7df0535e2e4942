using System.Net;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>Per-tenant request rate and quotas, set per tenant through <c>PATCH /tenants/{id}</c>.</summary>
public sealed class TenantLimitTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(string Tenant, HttpClient Admin)> TenantAsync(string settings)
    {
        var tenant = "lim-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await server.Client.PostJsonAsync("api/v2/tenants", $$"""{"id":"{{tenant}}","name":"Limited",{{settings}}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (tenant, await server.CreateTenantClientAsync(tenant, Roles.Admin));
    }

    [Fact]
    public async Task OverTheRequestRate_Is429WithRetryAfter_ForThatTenantOnly()
    {
        var (_, admin) = await TenantAsync("\"requests_per_minute\":3");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await admin.GetAsync("api/v2/workflows");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        await last!.AssertProblemAsync(429);
        Assert.InRange(last!.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("api/v2/workflows")).StatusCode);
    }

    [Fact]
    public async Task TheWorkflowQuota_Refuses403OnceReached_AndStoresNothing()
    {
        var (_, admin) = await TenantAsync("\"max_workflows\":1");

        using var first = await admin.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(Definitions.NewId("q1")));
        var refusedId = Definitions.NewId("q2");
        using var second = await admin.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(refusedId));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Contains("quota", (await second.AssertProblemAsync(403)).Str("detail"));
        await (await admin.GetAsync($"api/v2/workflows/{refusedId}")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task TheDailyExecutionQuota_Refuses429UntilMidnight()
    {
        var (tenant, admin) = await TenantAsync("\"max_executions_per_day\":1");
        var id = Definitions.NewId("daily");
        (await admin.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();

        using var first = await admin.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
        using var second = await admin.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await second.AssertProblemAsync(429);
        Assert.InRange(second.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 86_400);

        using var raised = await server.Client.PatchAsync($"api/v2/tenants/{tenant}", HttpJson.Json("""{"max_executions_per_day":null}"""));
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}")).StatusCode);
    }
}
