using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Caching;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Notifications;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Caching;

/// <summary>Two nodes on one PostgreSQL, each with its cache in process: a change on one invalidates the other's copy (NOTIFY openclaw_cache).</summary>
public sealed class CrossNodeCacheTests
{
    [PostgresFact]
    public async Task EditOnOneNode_InvalidatesTheOtherNodesCachedWorkflow()
    {
        await using var nodes = await TwoPostgresNodes.StartAsync();
        var (a, b) = (nodes.A, nodes.B);
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

    [PostgresFact]
    public async Task RuleChangeOnOneNode_InvalidatesTheOtherNodesCachedConfig()
    {
        await using var nodes = await TwoPostgresNodes.StartAsync();
        var (a, b) = (nodes.A, nodes.B);
        var rulesOfA = a.Services.GetRequiredService<NotificationRuleCache>();
        var id = await NotificationRuleCacheTests.CreateRuleAsync(b.Client, "xnode-rule");
        Assert.Contains(await rulesOfA.GetEnabledAsync(default), r => r.Id == id);
        Assert.NotNull(await a.Services.GetRequiredService<ICache>().GetAsync(CacheKeys.Config(NotificationRuleCache.Namespace)));

        using (var disabled = await b.Client.PutAsync($"api/v2/notifications/rules/{id}", HttpJson.Json("""{"enabled":false}""")))
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);

        await Poll.UntilAsync(() => rulesOfA.GetEnabledAsync(default), rules => rules.All(r => r.Id != id),
            what: "node A's cached rules to drop the rule disabled on node B");
    }

    private static async Task<int> RunAsync(TestServer node, string id)
    {
        using var started = await node.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        return (await node.Client.GetJsonAsync(started.Headers.Location!.OriginalString.TrimStart('/'))).GetProperty("workflow_version").GetInt32();
    }
}
