using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Notifications;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Caching;

/// <summary>
/// The enabled notification rules, read by every evaluation pass, are cached under <c>config:notification-rules</c>: a
/// cache hit reads no storage, and every change through the API drops the copy.
/// </summary>
public sealed class NotificationRuleCacheTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly string Key = CacheKeys.Config(NotificationRuleCache.Namespace);

    [Fact]
    public async Task ACachedCopy_IsServedWithoutStorage_UntilAChangeThroughTheApiDropsIt()
    {
        var rules = server.Services.GetRequiredService<NotificationRuleCache>();
        var store = server.Services.GetRequiredService<INotificationStore>();
        var cache = server.Services.GetRequiredService<ICache>();
        var first = await CreateRuleAsync(server.Client, "cached-first");

        Assert.Contains(await rules.GetEnabledAsync(default), r => r.Id == first);
        Assert.NotNull(await cache.GetAsync(Key));

        // Removed behind the API's back: a read that went to storage would no longer see it.
        Assert.True(await store.DeleteRuleAsync("default", first));
        Assert.Contains(await rules.GetEnabledAsync(default), r => r.Id == first);

        // The evaluator (running meanwhile) may have read the rules again since: whatever the cache holds now is fresh.
        var second = await CreateRuleAsync(server.Client, "cached-second");
        var fresh = await rules.GetEnabledAsync(default);
        Assert.DoesNotContain(fresh, r => r.Id == first);
        Assert.Contains(fresh, r => r.Id == second);

        using (var disabled = await server.Client.PutAsync($"api/v2/notifications/rules/{second}", HttpJson.Json("""{"enabled":false}""")))
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.DoesNotContain(await rules.GetEnabledAsync(default), r => r.Id == second);

        using (var enabled = await server.Client.PutAsync($"api/v2/notifications/rules/{second}", HttpJson.Json("""{"enabled":true}""")))
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Contains(await rules.GetEnabledAsync(default), r => r.Id == second);
        using (var deleted = await server.Client.DeleteAsync($"api/v2/notifications/rules/{second}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(await rules.GetEnabledAsync(default), r => r.Id == second);
    }

    internal static async Task<Guid> CreateRuleAsync(HttpClient client, string name)
    {
        using var created = await client.PostJsonAsync("api/v2/notifications/rules", $$"""{"name":"{{name}}","events":["execution.failed"],"channel":"in_app"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
    }
}
