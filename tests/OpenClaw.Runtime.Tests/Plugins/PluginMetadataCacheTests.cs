using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Plugins.Registry;

namespace OpenClaw.Runtime.Tests.Plugins;

/// <summary>
/// The registry's metadata of installed plugins (the specification's <c>plugin:{plugin_name}</c> cache, 7 days): reads
/// never touch storage; a change on one node, announced on the invalidation bus, is seen by the other node's next read;
/// past its lifetime the copy is reloaded. Two registries over one SQLite file and package folder stand for two nodes;
/// the PostgreSQL NOTIFY bus between real servers is covered by the server's CrossNodePluginCacheTests.
/// </summary>
[Collection(GreeterCollection.Name)]
public sealed class PluginMetadataCacheTests(GreeterPackages packages) : IAsyncLifetime
{
    private RegistryHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await RegistryHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private PluginRegistry Node(IPluginStore? store = null, ICacheInvalidationBus? bus = null, TimeProvider? time = null) => new(
        store ?? _harness.Store, _harness.Sandbox, new PluginRegistryOptions { PackagesDirectory = _harness.PackagesDirectory },
        NullLogger<PluginRegistry>.Instance, time, _harness.BuiltIns, bus);


    private static string? StatusOf(PluginRegistry registry, string name) => registry.List().FirstOrDefault(p => p.Name == name)?.Status;

    [SandboxFact]
    public async Task Reads_AreAnsweredFromMemory_WithoutTouchingStorage()
    {
        var store = new CountingPluginStore(_harness.Store);
        using var registry = Node(store);
        await registry.InitializeAsync();
        await using (var package = packages.OpenV1()) await registry.InstallAsync(package);
        var calls = store.Calls;

        for (var i = 0; i < 100; i++)
        {
            Assert.Contains(registry.List(), p => p.Name == "greeter");
            Assert.NotNull(registry.Get("greeter", "1.0.0"));
            Assert.NotNull(registry.Find("greeter", null));
            Assert.NotNull(registry.Find("greeter", "^1"));
            Assert.NotNull(registry.Bind("greeter", null));
            Assert.Null(registry.Find("not-installed", null));
        }

        Assert.Equal(calls, store.Calls);
    }

    [SandboxFact]
    public async Task AChangeOnOneNode_IsSeenByTheOtherNodesNextRead()
    {
        var bus = new LoopbackBus();
        using var a = Node(bus: bus);
        using var b = Node(bus: bus);
        await a.InitializeAsync();
        await b.InitializeAsync();
        Assert.Null(StatusOf(b, "greeter"));

        await using (var package = packages.OpenV1()) await a.InstallAsync(package);
        Assert.Contains(CacheKeys.Plugin("greeter"), bus.Published);
        await Wait.UntilAsync(() => StatusOf(b, "greeter") == PluginStatuses.Enabled, "node B to see the install made on node A");

        await a.DisableAsync("greeter", "1.0.0");
        await Wait.UntilAsync(() => StatusOf(b, "greeter") == PluginStatuses.Disabled, "node B to see the plugin disabled on node A");

        await a.EnableAsync("greeter", "1.0.0");
        await Wait.UntilAsync(() => StatusOf(b, "greeter") == PluginStatuses.Enabled, "node B to see the plugin enabled again");

        await using (var package = packages.OpenV2()) await a.UpgradeAsync(package);
        await Wait.UntilAsync(() => b.Get("greeter", "2.0.0") is not null, "node B to see the upgrade");

        await a.UninstallAsync("greeter", "2.0.0");
        await a.UninstallAsync("greeter", "1.0.0");
        await Wait.UntilAsync(() => StatusOf(b, "greeter") is null, "node B to see the uninstall");
    }

    [SandboxFact]
    public async Task WithoutAnAnnouncement_TheCopyIsKept_UntilItsLifetimeEnds()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var a = Node();
        using var b = Node(time: time);
        await a.InitializeAsync();
        await b.InitializeAsync();

        await using (var package = packages.OpenV1()) await a.InstallAsync(package);
        time.Advance(CacheKeys.PluginTtl - TimeSpan.FromMinutes(1));
        Assert.Null(StatusOf(b, "greeter"));

        time.Advance(TimeSpan.FromMinutes(2));
        await Wait.UntilAsync(() => StatusOf(b, "greeter") == PluginStatuses.Enabled, "node B to reload its copy once it is older than 7 days");
    }

    /// <summary>Delivers every announcement to every subscriber, as NOTIFY does between nodes.</summary>
    private sealed class LoopbackBus : ICacheInvalidationBus
    {
        public List<string> Published { get; } = [];

        public event Action<string>? Invalidated;

        public Task PublishAsync(string key, CancellationToken cancellationToken = default)
        {
            lock (Published) Published.Add(key);
            // Delivered later, on another thread, as a listener does.
            _ = Task.Run(() => Invalidated?.Invoke(key), CancellationToken.None);
            return Task.CompletedTask;
        }
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>The real store, counting the calls made to it.</summary>
    private sealed class CountingPluginStore(IPluginStore inner) : IPluginStore
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<PluginRecord> CreateAsync(PluginRecord plugin, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.CreateAsync(plugin, cancellationToken);
        }

        public Task<PluginRecord?> GetAsync(string tenantId, string name, string version, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.GetAsync(tenantId, name, version, cancellationToken);
        }

        public Task<IReadOnlyList<PluginRecord>> ListAsync(string tenantId, string? name = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.ListAsync(tenantId, name, cancellationToken);
        }

        public Task<PluginRecord?> UpdateAsync(PluginRecord plugin, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.UpdateAsync(plugin, cancellationToken);
        }

        public Task<bool> DeleteAsync(string tenantId, string name, string version, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.DeleteAsync(tenantId, name, version, cancellationToken);
        }
    }
}
