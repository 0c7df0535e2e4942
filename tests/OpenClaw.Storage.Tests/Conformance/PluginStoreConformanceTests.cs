using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every <see cref="IPluginStore"/> must do: one row per tenant, name and version; exact metadata; status changes.</summary>
public abstract class PluginStoreConformanceTests : StorageConformanceTests
{
    private IPluginStore Store => Backend.Plugins;

    private static PluginRecord Plugin(
        string name = "greeter", string version = "1.0.0", string tenantId = "default", string status = PluginStatuses.Enabled,
        string? id = null, string metadata = """{"manifest":{"name":"greeter"},"settings":{}}""", DateTimeOffset? at = null) =>
        new(id ?? Guid.NewGuid().ToString("N"), tenantId, name, version, status, metadata, at ?? T0, at ?? T0);

    [Fact]
    public async Task Create_ThenGet_ReturnsTheSameRecord()
    {
        var created = await Store.CreateAsync(Plugin());

        Assert.Equal(Plugin() with { Id = created.Id }, created);
        Assert.Equal(created, await Store.GetAsync("default", "greeter", "1.0.0"));
        Assert.Null(await Store.GetAsync("default", "greeter", "2.0.0"));
        Assert.Null(await Store.GetAsync("other", "greeter", "1.0.0"));
    }

    [Fact]
    public async Task Create_KeepsMetadataTextExactly_AndTimesToTheMillisecond()
    {
        const string metadata = """{ "manifest": { "description": "Grüße ✓", "tags": [ "a" ] },  "settings": {} }""";

        var created = await Store.CreateAsync(Plugin(metadata: metadata, at: T0.AddTicks(12_345)));

        var stored = await Store.GetAsync("default", "greeter", "1.0.0");
        Assert.Equal(metadata, stored!.Metadata);
        Assert.Equal(T0.AddMilliseconds(1), stored.CreatedAt);
        Assert.Equal(created, stored);
    }

    [Fact]
    public async Task Create_SameNameAndVersion_ThrowsDuplicateKey_AndKeepsTheFirst()
    {
        var first = await Store.CreateAsync(Plugin(status: PluginStatuses.Installing));

        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.CreateAsync(Plugin(status: PluginStatuses.Enabled)));

        Assert.Equal(first, Assert.Single(await Store.ListAsync("default")));
    }

    [Fact]
    public async Task Create_VersionsSideBySide_AndTenantsApart_AreAllowed()
    {
        await Store.CreateAsync(Plugin(version: "1.0.0"));
        await Store.CreateAsync(Plugin(version: "2.0.0"));
        await Store.CreateAsync(Plugin(version: "1.0.0", tenantId: "t2"));

        Assert.Equal(2, (await Store.ListAsync("default", "greeter")).Count);
        Assert.Single(await Store.ListAsync("t2"));
    }

    [Fact]
    public async Task Create_InvalidStatusOrMetadata_IsRejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateAsync(Plugin(status: "active")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateAsync(Plugin(metadata: "{ not json")));

        Assert.Empty(await Store.ListAsync("default"));
    }

    [Fact]
    public async Task List_OrdersByNameThenInstallTime_AndFiltersByName()
    {
        await Store.CreateAsync(Plugin(name: "zeta", at: T0));
        await Store.CreateAsync(Plugin(name: "alpha", version: "2.0.0", at: T0.AddSeconds(2)));
        await Store.CreateAsync(Plugin(name: "alpha", version: "1.0.0", at: T0.AddSeconds(1)));

        var all = await Store.ListAsync("default");
        Assert.Equal(["alpha 1.0.0", "alpha 2.0.0", "zeta 1.0.0"], all.Select(p => $"{p.Name} {p.Version}"));
        Assert.Equal(["zeta"], (await Store.ListAsync("default", "zeta")).Select(p => p.Name));
        Assert.Empty(await Store.ListAsync("default", "nothing"));
    }

    [Fact]
    public async Task Update_ChangesStatusMetadataAndTime_KeepsIdAndCreation()
    {
        var created = await Store.CreateAsync(Plugin(status: PluginStatuses.Installing));

        var updated = await Store.UpdateAsync(created with
        {
            Id = "ignored",
            Status = PluginStatuses.Disabled,
            Metadata = """{"settings":{"a":1}}""",
            CreatedAt = T0.AddDays(9),
            UpdatedAt = T0.AddMinutes(5),
        });

        Assert.Equal(created with { Status = PluginStatuses.Disabled, Metadata = """{"settings":{"a":1}}""", UpdatedAt = T0.AddMinutes(5) }, updated);
        Assert.Equal(updated, await Store.GetAsync("default", "greeter", "1.0.0"));
    }

    [Fact]
    public async Task Update_OfAMissingVersion_ReturnsNull_AndBadValuesAreRejected()
    {
        Assert.Null(await Store.UpdateAsync(Plugin()));
        var created = await Store.CreateAsync(Plugin());

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpdateAsync(created with { Status = "gone" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpdateAsync(created with { Metadata = "[" }));
        Assert.Equal(created, await Store.GetAsync("default", "greeter", "1.0.0"));
    }

    [Fact]
    public async Task Delete_RemovesOneVersion_AndSaysWhetherThereWasOne()
    {
        await Store.CreateAsync(Plugin(version: "1.0.0"));
        await Store.CreateAsync(Plugin(version: "2.0.0"));

        Assert.True(await Store.DeleteAsync("default", "greeter", "1.0.0"));
        Assert.False(await Store.DeleteAsync("default", "greeter", "1.0.0"));
        Assert.False(await Store.DeleteAsync("other", "greeter", "2.0.0"));

        Assert.Equal("2.0.0", Assert.Single(await Store.ListAsync("default")).Version);
    }

    [Fact]
    public async Task Peer_SeesWhatTheOtherNodeWrote()
    {
        await using var peer = await Backend.OpenPeerAsync();

        await Store.CreateAsync(Plugin());

        Assert.NotNull(await peer.Plugins.GetAsync("default", "greeter", "1.0.0"));
    }
}
