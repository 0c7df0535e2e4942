using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every <see cref="ITriggerStore"/> must do: find by path hash across tenants, everything else within one.</summary>
public abstract class TriggerStoreConformanceTests : StorageConformanceTests
{
    private ITriggerStore Store => Backend.Triggers;

    private static TriggerRecord Trigger(string tenantId = "default", string workflowId = "wf", string? hash = null, byte[]? secret = null) =>
        new(Guid.NewGuid(), tenantId, workflowId, "orders", hash ?? Guid.NewGuid().ToString("N"), "abcd", "async", ["POST"], "body", true,
            secret, secret is null ? null : "k1", false, 10_000, T0, T0, "alice");

    private static void AssertSame(TriggerRecord expected, TriggerRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Methods, actual.Methods);
        Assert.Equal(expected.SigningSecret, actual.SigningSecret);
        Assert.Equal(expected with { Methods = actual.Methods, SigningSecret = actual.SigningSecret }, actual);
    }

    [Fact]
    public async Task Create_ThenFind_ByIdInItsTenant_AndByPathHashAnywhere()
    {
        var created = await Store.CreateAsync(Trigger(tenantId: "t2", secret: [1, 2, 3]));

        AssertSame(created, await Store.GetAsync("t2", created.Id));
        AssertSame(created, await Store.FindByPathHashAsync(created.PathHash));
        Assert.Null(await Store.GetAsync("default", created.Id));
        Assert.Null(await Store.FindByPathHashAsync("nope"));
    }

    [Fact]
    public async Task Create_SamePathHash_ThrowsDuplicateKey()
    {
        await Store.CreateAsync(Trigger(hash: "h1"));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.CreateAsync(Trigger(hash: "h1", tenantId: "t2")));
    }

    [Fact]
    public async Task List_FiltersByWorkflow_AndUpdateRotatesThePath()
    {
        var a = await Store.CreateAsync(Trigger(workflowId: "a"));
        await Store.CreateAsync(Trigger(workflowId: "b"));
        await Store.CreateAsync(Trigger(workflowId: "a", tenantId: "t2"));

        Assert.Equal(2, (await Store.ListAsync("default")).Count);
        Assert.Equal(a.Id, Assert.Single(await Store.ListAsync("default", "a")).Id);

        var rotated = await Store.UpdateAsync(a with { PathHash = "rotated", Mode = "sync", Methods = ["GET", "POST"], Enabled = false, UpdatedAt = T0.AddHours(1) });
        Assert.NotNull(rotated);
        Assert.Null(await Store.FindByPathHashAsync(a.PathHash));
        Assert.Equal(a.Id, (await Store.FindByPathHashAsync("rotated"))!.Id);
        Assert.Equal(["GET", "POST"], rotated.Methods);
        Assert.False(rotated.Enabled);
        Assert.Null(await Store.UpdateAsync(a with { TenantId = "t2" }));
    }

    [Fact]
    public async Task Delete_RemovesOnlyInItsTenant()
    {
        var created = await Store.CreateAsync(Trigger());

        Assert.False(await Store.DeleteAsync("other", created.Id));
        Assert.True(await Store.DeleteAsync("default", created.Id));
        Assert.Null(await Store.FindByPathHashAsync(created.PathHash));
    }
}
