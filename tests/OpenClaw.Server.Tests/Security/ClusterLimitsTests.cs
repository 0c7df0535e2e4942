using System.Net;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>
/// Rate limits and the daily execution quota counted cluster-wide through a shared redis-server: two API nodes on one
/// PostgreSQL together stay within each limit. Without Redis (or while it is down) each node counts alone.
/// </summary>
public sealed class ClusterLimitsTests
{
    [PostgresRedisFact]
    public async Task TwoNodesSharingRedis_TogetherRespectTheTenantRate()
    {
        await using var redis = await RedisServer.StartAsync();
        await TwoPostgresNodes.RunAsync(["--OpenClaw:Cache:Redis", redis.Address], async (a, b) =>
        {
            // Tenant rate: 10 a minute, requests alternating between the nodes.
            var tenant = "cl-" + Guid.NewGuid().ToString("N")[..8];
            using (var created = await a.Client.PostJsonAsync("api/v2/tenants",
                       $$"""{"id":"{{tenant}}","name":"Cluster","requests_per_minute":10}""")) Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            HttpClient[] admins = [await a.CreateTenantClientAsync(tenant, Roles.Admin), await b.CreateTenantClientAsync(tenant, Roles.Admin)];
            var minute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
            var ok = 0;
            for (var i = 0; i < 24; i++)
            {
                using var response = await admins[i % 2].GetAsync("api/v2/workflows");
                if (response.StatusCode == HttpStatusCode.OK) ok++;
                else Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            }
            var windows = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 - minute + 1;
            // Per node it would be 20 (10 each); shared, 10 per one-minute window touched.
            if (windows == 1) Assert.Equal(10, ok);
            else Assert.InRange(ok, 10, 10 * windows);
        });
    }

    [PostgresRedisFact]
    public async Task TwoNodesSharingRedis_StartNoMoreThanTheDailyQuota_AndWebhooksNoMoreThanTheirRate()
    {
        await using var redis = await RedisServer.StartAsync();
        await TwoPostgresNodes.RunAsync(["--OpenClaw:Cache:Redis", redis.Address, "--OpenClaw:Webhooks:RateLimitPerSecond", "4"], async (a, b) =>
        {
            var tenant = "cq-" + Guid.NewGuid().ToString("N")[..8];
            using (var created = await a.Client.PostJsonAsync("api/v2/tenants", $$"""{"id":"{{tenant}}","name":"Quota","max_executions_per_day":3}"""))
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            HttpClient[] admins = [await a.CreateTenantClientAsync(tenant, Roles.Admin), await b.CreateTenantClientAsync(tenant, Roles.Admin)];
            var workflow = Definitions.NewId("cq");
            (await admins[0].PostJsonAsync("api/v2/workflows", Definitions.HelloJson(workflow))).Dispose();
            var accepted = 0;
            for (var i = 0; i < 8; i++)
            {
                using var started = await admins[i % 2].PostJsonAsync($"api/v2/workflows/{workflow}/executions", "{}");
                if (started.StatusCode == HttpStatusCode.Accepted) accepted++;
                else await started.AssertProblemAsync(429);
            }
            Assert.Equal(3, accepted);

            // Webhook rate: 4 a second per path, over both nodes (the default tenant has no quota).
            var hello = Definitions.NewId("hook");
            (await a.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(hello))).Dispose();
            using var trigger = await a.Client.PostJsonAsync("api/v2/triggers", $$"""{ "workflow_id": "{{hello}}" }""");
            var hook = "api/v2/webhooks/" + (await trigger.ReadJsonAsync()).Str("path");
            HttpClient[] anonymous = [a.CreateAnonymousClient(), b.CreateAnonymousClient()];
            var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var passed = 0;
            for (var i = 0; i < 12; i++)
            {
                using var response = await anonymous[i % 2].PostJsonAsync(hook, "{}");
                if (response.StatusCode == HttpStatusCode.Accepted) passed++;
                else Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            }
            var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - second + 1;
            // Per node it would be 8 a second (4 each); shared, 4 per one-second window touched.
            if (seconds == 1) Assert.Equal(4, passed);
            else Assert.InRange(passed, 4, 4 * seconds);
        });
    }

    [RedisFact]
    public async Task RedisGoingAway_FallsBackToPerNodeCounting_AndReadinessSaysSo()
    {
        await using var redis = await RedisServer.StartAsync();
        var directory = TestServer.NewDataDirectory();
        var server = await TestServer.StartAsync(directory, "--OpenClaw:Cache:Redis", redis.Address);
        try
        {
            var tenant = "fb-" + Guid.NewGuid().ToString("N")[..8];
            (await server.Client.PostJsonAsync("api/v2/tenants", $$"""{"id":"{{tenant}}","name":"Fallback","requests_per_minute":3}""")).Dispose();
            var admin = await server.CreateTenantClientAsync(tenant, Roles.Admin);
            await redis.StopAsync();

            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 4; i++)
            {
                using var response = await admin.GetAsync("api/v2/workflows");
                statuses.Add(response.StatusCode);
            }

            // Still served and still limited, by this node alone.
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
            using var ready = await server.CreateAnonymousClient().GetAsync("health/ready");
            Assert.Contains("counted per node", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
            TestServer.DeleteDirectory(directory);
        }
    }
}
