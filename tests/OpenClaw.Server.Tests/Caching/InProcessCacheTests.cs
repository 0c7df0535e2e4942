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
    public async Task Full_DropsExpiredThenLeastRecentlyUsed_AndStaysBounded()
    {
        using var cache = new InProcessCache(_time, maxEntries: 100);
        await cache.SetAsync("config:short-lived", "gone", TimeSpan.FromMinutes(1));
        // A definition read on every start, then a burst of starts whose contexts live far longer than it does.
        await cache.SetAsync("workflow:default/hot", "definition", CacheKeys.WorkflowTtl);
        _time.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal("definition", await cache.GetAsync("workflow:default/hot"));
            await cache.SetAsync($"execution:{i}", "context", CacheKeys.ExecutionTtl);
        }

        Assert.InRange(cache.Count, 2, 100);
        Assert.Equal("context", await cache.GetAsync("execution:999"));
        Assert.Null(await cache.GetAsync("execution:0"));
        Assert.Null(await cache.GetAsync("config:short-lived"));
    }

    [Fact]
    public async Task Full_UnderConcurrentWriters_NeitherThrowsNorGrowsPastTheBoundForLong()
    {
        using var cache = new InProcessCache(_time, maxEntries: 50);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++) await cache.SetAsync($"execution:{w}-{i}", "x", CacheKeys.ExecutionTtl);
        })));

        await cache.SetAsync("execution:last", "x", CacheKeys.ExecutionTtl);
        Assert.InRange(cache.Count, 1, 50);
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
