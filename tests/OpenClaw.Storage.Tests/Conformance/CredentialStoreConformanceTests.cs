using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every <see cref="ICredentialStore"/> must do: one name per tenant, ciphertext kept byte for byte, tenants apart.</summary>
public abstract class CredentialStoreConformanceTests : StorageConformanceTests
{
    private ICredentialStore Store => Backend.Credentials;

    private static CredentialRecord Credential(string name = "smtp_main", string tenantId = "default", string keyId = "k1", byte[]? secret = null) =>
        new(Guid.NewGuid(), tenantId, name, "smtp", "Mail relay", ["host", "password"], secret ?? [1, 2, 3, 0, 255], keyId, T0, T0, "alice", "alice");

    private static void AssertSame(CredentialRecord expected, CredentialRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Secret, actual.Secret);
        Assert.Equal(expected.Fields, actual.Fields);
        Assert.Equal(expected with { Secret = actual.Secret, Fields = actual.Fields }, actual);
    }

    [Fact]
    public async Task Create_ThenGetByIdAndName_ReturnsTheSameRecord_OnlyInItsTenant()
    {
        var created = await Store.CreateAsync(Credential(secret: [9, 8, 7, 6]));

        AssertSame(created, await Store.GetAsync("default", created.Id));
        AssertSame(created, await Store.FindByNameAsync("default", "smtp_main"));
        Assert.Null(await Store.GetAsync("other", created.Id));
        Assert.Null(await Store.FindByNameAsync("other", "smtp_main"));
    }

    [Fact]
    public async Task Create_SameNameInTenant_ThrowsDuplicateKey_ButOtherTenantsMayReuseIt()
    {
        await Store.CreateAsync(Credential());
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.CreateAsync(Credential()));
        await Store.CreateAsync(Credential(tenantId: "t2"));

        Assert.Single(await Store.ListAsync("default"));
        Assert.Single(await Store.ListAsync("t2"));
    }

    [Fact]
    public async Task Update_ReplacesValuesAndKeepsCreation_RenameOntoAnotherNameIsADuplicate()
    {
        var first = await Store.CreateAsync(Credential());
        await Store.CreateAsync(Credential(name: "other"));

        var updated = await Store.UpdateAsync(first with { Description = null, Secret = [42], KeyId = "k2", Fields = ["token"], UpdatedAt = T0.AddMinutes(1), UpdatedBy = "bob", CreatedAt = T0.AddDays(9) });

        Assert.NotNull(updated);
        Assert.Equal([42], updated.Secret);
        Assert.Equal(T0, updated.CreatedAt);
        Assert.Equal("bob", updated.UpdatedBy);
        Assert.Equal(["token"], updated.Fields);
        Assert.Null(updated.Description);
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.UpdateAsync(first with { Name = "other" }));
        Assert.Null(await Store.UpdateAsync(first with { TenantId = "t2" }));
    }

    [Fact]
    public async Task ListNotUnderKey_FindsRowsOfEveryTenantUnderOtherKeys()
    {
        await Store.CreateAsync(Credential(name: "a", keyId: "old"));
        await Store.CreateAsync(Credential(name: "b", keyId: "new"));
        await Store.CreateAsync(Credential(name: "c", tenantId: "t2", keyId: "old"));

        var stale = await Store.ListNotUnderKeyAsync("new");

        Assert.Equal(["a", "c"], stale.Select(c => c.Name).Order().ToArray());
    }

    [Fact]
    public async Task Delete_RemovesOnlyInItsTenant()
    {
        var created = await Store.CreateAsync(Credential());

        Assert.False(await Store.DeleteAsync("other", created.Id));
        Assert.True(await Store.DeleteAsync("default", created.Id));
        Assert.False(await Store.DeleteAsync("default", created.Id));
        Assert.Empty(await Store.ListAsync("default"));
    }
}
