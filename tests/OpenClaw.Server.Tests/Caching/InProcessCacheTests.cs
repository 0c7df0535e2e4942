using OpenClaw.Core.Caching;
using OpenClaw.Runtime.Caching;

namespace OpenClaw.Server.Tests.Caching;

public sealed class InProcessCacheTests
{
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Entry_ExpiresAfterItsTimeToLive_ByTheClock()
    {
        using var cache = new InProcessCache(_time);
        await cache.SetAsync(CacheKeys.Workflow("default", "a"), "v", CacheKeys.WorkflowTtl);

        _time.Advance(CacheKeys.WorkflowTtl - TimeSpan.FromSeconds(1));
        Assert.Equal("v", await cache.GetAsync("workflow:default/a"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await cache.GetAsync("workflow:default/a"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Full_DropsExpiredThenSoonestToExpire_AndStaysBounded()
    {
        using var cache = new InProcessCache(_time, maxEntries: 100);
        await cache.SetAsync("config:long", "keep", TimeSpan.FromDays(1));
        for (var i = 0; i < 1000; i++) await cache.SetAsync($"plugin:p{i}", "x", TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(i));

        Assert.InRange(cache.Count, 1, 100);
        Assert.Equal("keep", await cache.GetAsync("config:long"));
        Assert.Equal("x", await cache.GetAsync("plugin:p999"));
        Assert.Null(await cache.GetAsync("plugin:p0"));
    }

    [Fact]
    public async Task Remove_IsPublished_AndInvalidationsFromOtherNodesApply()
    {
        var bus = new RecordingBus();
        using var cache = new InProcessCache(_time, bus: bus);
        await cache.SetAsync("workflow:default/a", "1", TimeSpan.FromHours(1));
        await cache.SetAsync("workflow:default/b", "2", TimeSpan.FromHours(1));

        await cache.RemoveAsync("workflow:default/a");
        Assert.Equal(["workflow:default/a"], bus.Published);

        bus.Raise("workflow:default/b");
        Assert.Null(await cache.GetAsync("workflow:default/b"));
        await cache.SetAsync("session:u1", "s", CacheKeys.SessionTtl);
        bus.Raise(ICacheInvalidationBus.AllKeys);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Keys_AreTheSpecificationsWithItsLifetimes()
    {
        Assert.Equal("session:u1", CacheKeys.Session("u1"));
        Assert.Equal("execution:3f2504e0-4f89-11d3-9a0c-0305e82c3301", CacheKeys.Execution(Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301")));
        Assert.Equal("plugin:http-request", CacheKeys.Plugin("http-request"));
        Assert.Equal("config:plugins", CacheKeys.Config("plugins"));
        Assert.Equal(
            [86_400, 3_600, 86_400, 604_800, 3_600],
            new[] { CacheKeys.SessionTtl, CacheKeys.WorkflowTtl, CacheKeys.ExecutionTtl, CacheKeys.PluginTtl, CacheKeys.ConfigTtl }.Select(t => t.TotalSeconds));
    }

    private sealed class RecordingBus : ICacheInvalidationBus
    {
        public List<string> Published { get; } = [];

        public event Action<string>? Invalidated;

        public Task PublishAsync(string key, CancellationToken cancellationToken = default)
        {
            Published.Add(key);
            return Task.CompletedTask;
        }

        public void Raise(string key) => Invalidated?.Invoke(key);
    }
}
