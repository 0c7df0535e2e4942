using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Caching;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Notifications;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Storage.Postgres;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Caching;

/// <summary>Two nodes on one PostgreSQL, each with its cache in process: a change on one invalidates the other's copy (NOTIFY openclaw_cache).</summary>
public sealed class CrossNodeCacheTests
{
    [PostgresFact]
    public async Task EditOnOneNode_InvalidatesTheOtherNodesCachedWorkflow()
    {
        var postgres = await PostgresTestServer.GetAsync();
        var (database, connectionString) = await postgres.CreateDatabaseAsync();
        var directories = new[] { TestServer.NewDataDirectory(), TestServer.NewDataDirectory() };
        string[] Node() => ["--OpenClaw:Storage", "postgres", "--OpenClaw:PostgresConnectionString", connectionString];
        var a = await TestServer.StartAsync(directories[0], Node());
        var b = await TestServer.StartAsync(directories[1], Node());
        try
        {
            // Each listener clears its node's cache when it (re)connects (invalidations may have been missed): let that pass first.
            foreach (var node in (TestServer[])[a, b])
                await node.Services.GetRequiredService<PostgresQueueListener>().WaitUntilListeningAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var id = Definitions.NewId("xcache");
            var key = CacheKeys.Workflow("default", id);
            var cacheOfA = a.Services.GetRequiredService<ICache>();
            (await a.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();
            Assert.Equal(1, await RunAsync(a, id));
            Assert.NotNull(await cacheOfA.GetAsync(key));

            using (var edited = await b.Client.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.HelloJson(id, "Edited on B"))))
                Assert.Equal(HttpStatusCode.OK, edited.StatusCode);

            await Poll.UntilAsync(async () => await cacheOfA.GetAsync(key), v => v is null, what: "node A's cached copy to be invalidated");
            Assert.Equal(2, await RunAsync(a, id));

            (await b.Client.PostJsonAsync($"api/v2/workflows/{id}/publish", """{"version":1}""")).Dispose();
            await Poll.UntilAsync(async () => await cacheOfA.GetAsync(key), v => v is null, what: "node A's copy to be invalidated by the publish");
            Assert.Equal(1, await RunAsync(a, id));
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
            foreach (var directory in directories) TestServer.DeleteDirectory(directory);
            await postgres.DropDatabaseAsync(database);
        }
    }

    [PostgresFact]
    public async Task RuleChangeOnOneNode_InvalidatesTheOtherNodesCachedConfig()
    {
        var postgres = await PostgresTestServer.GetAsync();
        var (database, connectionString) = await postgres.CreateDatabaseAsync();
        var directories = new[] { TestServer.NewDataDirectory(), TestServer.NewDataDirectory() };
        string[] Node() => ["--OpenClaw:Storage", "postgres", "--OpenClaw:PostgresConnectionString", connectionString];
        var a = await TestServer.StartAsync(directories[0], Node());
        var b = await TestServer.StartAsync(directories[1], Node());
        try
        {
            foreach (var node in (TestServer[])[a, b])
                await node.Services.GetRequiredService<PostgresQueueListener>().WaitUntilListeningAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var rulesOfA = a.Services.GetRequiredService<NotificationRuleCache>();
            var id = await NotificationRuleCacheTests.CreateRuleAsync(b.Client, "xnode-rule");
            Assert.Contains(await rulesOfA.GetEnabledAsync(default), r => r.Id == id);
            Assert.NotNull(await a.Services.GetRequiredService<ICache>().GetAsync(CacheKeys.Config(NotificationRuleCache.Namespace)));

            using (var disabled = await b.Client.PutAsync($"api/v2/notifications/rules/{id}", HttpJson.Json("""{"enabled":false}""")))
                Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);

            await Poll.UntilAsync(() => rulesOfA.GetEnabledAsync(default), rules => rules.All(r => r.Id != id),
                what: "node A's cached rules to drop the rule disabled on node B");
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
            foreach (var directory in directories) TestServer.DeleteDirectory(directory);
            await postgres.DropDatabaseAsync(database);
        }
    }

    private static async Task<int> RunAsync(TestServer node, string id)
    {
        using var started = await node.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        return (await node.Client.GetJsonAsync(started.Headers.Location!.OriginalString.TrimStart('/'))).GetProperty("workflow_version").GetInt32();
    }
}
