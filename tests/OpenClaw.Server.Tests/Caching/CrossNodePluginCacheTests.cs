using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Runtime.Tests.Plugins;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Caching;

/// <summary>
/// Two nodes on one PostgreSQL, each with the installed plugins' metadata in memory (the <c>plugin:{plugin_name}</c>
/// cache): an install, disable, enable or uninstall on one node is announced (NOTIFY openclaw_cache) and seen by the
/// other node's next read.
/// </summary>
[Collection(GreeterCollection.Name)]
public sealed class CrossNodePluginCacheTests(GreeterPackages packages)
{
    private const string Name = "greeter";

    [PostgresSandboxFact]
    public async Task PluginChangesOnOneNode_AreSeenByTheOtherNodesNextRead()
    {
        await using var nodes = await TwoPostgresNodes.StartAsync();
        var (a, b) = (nodes.A, nodes.B);
        Assert.Null(await StatusOnAsync(b));

        using (var installed = await a.Client.PostAsync("api/v2/plugins", PluginPackages.Zip(await File.ReadAllBytesAsync(packages.V1))))
            Assert.True(installed.StatusCode == HttpStatusCode.Created, await installed.Content.ReadAsStringAsync());
        await Poll.UntilAsync(() => StatusOnAsync(b), s => s == "enabled", what: "node B to list the plugin installed on node A");

        (await a.Client.PostAsync($"api/v2/plugins/{Name}/1.0.0/disable", null)).Dispose();
        await Poll.UntilAsync(() => StatusOnAsync(b), s => s == "disabled", what: "node B to see the plugin disabled on node A");

        (await a.Client.PostAsync($"api/v2/plugins/{Name}/1.0.0/enable", null)).Dispose();
        await Poll.UntilAsync(() => StatusOnAsync(b), s => s == "enabled", what: "node B to see the plugin enabled again on node A");

        using (var removed = await a.Client.DeleteAsync($"api/v2/plugins/{Name}/1.0.0"))
            Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync());
        await Poll.UntilAsync(() => StatusOnAsync(b), s => s is null, what: "node B to see the plugin uninstalled on node A");
    }

    /// <summary>The plugin's status in the node's listing, or null when it is not listed.</summary>
    private static async Task<string?> StatusOnAsync(TestServer node)
    {
        var list = await node.Client.GetJsonAsync("api/v2/plugins");
        return list.GetProperty("plugins").EnumerateArray().Where(p => p.Str("name") == Name).Select(p => p.Str("status")).FirstOrDefault();
    }
}

/// <summary>Needs PostgreSQL and the sandbox (installing runs the plugin's hooks): skipped, with the reason, where either is missing, except in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresSandboxFactAttribute : FactAttribute
{
    public PostgresSandboxFactAttribute()
    {
        if (PostgresTestServer.SkipReason is { } reason) Skip = reason;
        else if (new SandboxFactAttribute().Skip is { } sandbox) Skip = sandbox;
    }
}
