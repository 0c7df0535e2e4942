using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every <see cref="IIdentityStore"/> must do: tenants, users, lockout counters, refresh tokens, keys, clients, server keys.</summary>
public abstract class IdentityStoreConformanceTests : StorageConformanceTests
{
    private IIdentityStore Store => Backend.Identities;

    private static UserRecord User(string username = "ada", string tenantId = "default", string role = Roles.Admin, string? email = null) =>
        new(Guid.NewGuid(), tenantId, username, email, "hash-" + username, role, true, false, 0, null, T0.AddTicks(5), T0);

    private static ApiKeyRecord Key(string hash = "h1", string tenantId = "default", DateTimeOffset? at = null) =>
        new(Guid.NewGuid(), tenantId, "ci", "ock_abcdefgh", hash, Roles.Editor, ["workflows:read", "executions:run"], null, null, null, null, at ?? T0);

    [Fact]
    public async Task DefaultTenant_ExistsAfterMigration_AndTenantsAreCreatedOnce()
    {
        Assert.Equal("default", Assert.Single(await Store.ListTenantsAsync()).Id);

        var created = await Store.CreateTenantAsync(new TenantRecord("acme", "Acme", 10, 100, null, T0.AddTicks(3)));

        Assert.Equal(new TenantRecord("acme", "Acme", 10, 100, null, T0), created);
        Assert.Equal(created, await Store.GetTenantAsync("acme"));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.CreateTenantAsync(new TenantRecord("acme", "Other", null, null, null, T0)));
        var updated = await Store.UpdateTenantAsync(created with { Name = "Acme Inc", MaxWorkflows = null, RequestsPerMinute = 60 });
        Assert.Equal(created with { Name = "Acme Inc", MaxWorkflows = null, RequestsPerMinute = 60 }, updated);
        Assert.Null(await Store.UpdateTenantAsync(created with { Id = "missing" }));
        Assert.Equal(["acme", "default"], (await Store.ListTenantsAsync()).Select(t => t.Id));
    }

    [Fact]
    public async Task Users_AreUniquePerTenantCaseInsensitively_AndFoundByName()
    {
        await Store.CreateTenantAsync(new TenantRecord("t2", "T2", null, null, null, T0));
        var ada = await Store.CreateUserAsync(User("Ada", email: "ada@example.com"));

        Assert.Equal(T0, ada.CreatedAt);
        Assert.Equal(ada, await Store.FindUserAsync("default", "ADA"));
        Assert.Equal(ada, await Store.GetUserAsync("default", ada.Id));
        Assert.Null(await Store.GetUserAsync("t2", ada.Id));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.CreateUserAsync(User("ada")));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.CreateUserAsync(User("bob", email: "ADA@example.com")));
        await Store.CreateUserAsync(User("ada", tenantId: "t2"));
        await Store.CreateUserAsync(User("carl"));
        Assert.Equal(["Ada", "carl"], (await Store.ListUsersAsync("default")).Select(u => u.Username));
        Assert.Equal(3, await Store.CountUsersAsync());
    }

    [Fact]
    public async Task Users_BadRoleOrUnknownTenant_AreRejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateUserAsync(User(role: "root")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateUserAsync(User(tenantId: "nowhere")));
        Assert.Equal(0, await Store.CountUsersAsync());
    }

    [Fact]
    public async Task UpdateUser_ChangesTheMutableFields_KeepsNameAndCreation()
    {
        var ada = await Store.CreateUserAsync(User());

        var updated = await Store.UpdateUserAsync(ada with
        {
            Username = "ignored", Role = Roles.Viewer, Email = "a@b.c", PasswordHash = "new", IsActive = false, MustChangePassword = true,
            CreatedAt = T0.AddDays(1), UpdatedAt = T0.AddMinutes(1),
        });

        Assert.Equal(ada with { Role = Roles.Viewer, Email = "a@b.c", PasswordHash = "new", IsActive = false, MustChangePassword = true, UpdatedAt = T0.AddMinutes(1) },
            updated);
        Assert.Null(await Store.UpdateUserAsync(ada with { Id = Guid.NewGuid() }));
        Assert.True(await Store.DeleteUserAsync("default", ada.Id));
        Assert.False(await Store.DeleteUserAsync("default", ada.Id));
    }

    [Fact]
    public async Task FailedLogins_CountAtomicallyAcrossNodes_AndLockAtTheLimit()
    {
        var ada = await Store.CreateUserAsync(User());
        await using var peer = await Backend.OpenPeerAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            (i % 2 == 0 ? Store : peer.Identities).RecordFailedLoginAsync("default", ada.Id, 5, T0.AddMinutes(15))));
        var fourth = await Store.GetUserAsync("default", ada.Id);
        var fifth = await peer.Identities.RecordFailedLoginAsync("default", ada.Id, 5, T0.AddMinutes(15));

        Assert.Equal((4, (DateTimeOffset?)null), (fourth!.FailedLogins, fourth.LockedUntil));
        Assert.Equal((5, (DateTimeOffset?)T0.AddMinutes(15)), (fifth!.FailedLogins, fifth.LockedUntil));
        await Store.ResetFailedLoginsAsync("default", ada.Id);
        var reset = await Store.GetUserAsync("default", ada.Id);
        Assert.Equal((0, (DateTimeOffset?)null), (reset!.FailedLogins, reset.LockedUntil));
    }

    [Fact]
    public async Task RefreshTokens_AreUsedOnce_AndFamiliesRevokeTogether()
    {
        var ada = await Store.CreateUserAsync(User());
        var family = Guid.NewGuid();
        var first = new RefreshTokenRecord(Guid.NewGuid(), "default", ada.Id, family, "hash-1", T0.AddDays(1), T0, null, null);
        var second = first with { Id = Guid.NewGuid(), TokenHash = "hash-2" };
        var other = first with { Id = Guid.NewGuid(), TokenHash = "hash-3", FamilyId = Guid.NewGuid() };
        foreach (var t in new[] { first, second, other }) await Store.CreateRefreshTokenAsync(t);
        await using var peer = await Backend.OpenPeerAsync();

        var uses = await Task.WhenAll(Store.MarkRefreshTokenUsedAsync(first.Id, T0.AddMinutes(1)), peer.Identities.MarkRefreshTokenUsedAsync(first.Id, T0.AddMinutes(1)));

        Assert.Equal(1, uses.Count(u => u));
        Assert.Equal(T0.AddMinutes(1), (await Store.FindRefreshTokenAsync("hash-1"))!.UsedAt);
        Assert.Equal(2, await Store.RevokeRefreshTokenFamilyAsync(family, T0.AddMinutes(2)));
        Assert.False(await Store.MarkRefreshTokenUsedAsync(second.Id, T0.AddMinutes(3)));
        Assert.Null((await Store.FindRefreshTokenAsync("hash-3"))!.RevokedAt);
        Assert.Equal([family], await Store.ListRevokedRefreshFamiliesAsync("default", ada.Id, T0.AddMinutes(2)));
        Assert.Empty(await Store.ListRevokedRefreshFamiliesAsync("default", ada.Id, T0.AddMinutes(2).AddMilliseconds(1)));
        Assert.Empty(await Store.ListRevokedRefreshFamiliesAsync("t2", ada.Id, T0));
        Assert.Equal(1, await Store.RevokeUserRefreshTokensAsync("default", ada.Id, T0.AddMinutes(4)));
        Assert.Equal(new[] { family, other.FamilyId }.Order(), (await Store.ListRevokedRefreshFamiliesAsync("default", ada.Id, T0)).Order());
        Assert.True(await Store.DeleteUserAsync("default", ada.Id));
        Assert.Null(await Store.FindRefreshTokenAsync("hash-3"));
    }

    [Fact]
    public async Task ApiKeys_AreFoundByHash_ListedPerTenant_RevokedOnce_AndTouchedForward()
    {
        var key = await Store.CreateApiKeyAsync(Key(at: T0.AddTicks(7)));
        await Store.CreateApiKeyAsync(Key("h2", tenantId: "t2", at: T0.AddSeconds(1)));

        Assert.Equal(T0, key.CreatedAt);
        var found = await Store.FindApiKeyAsync("h1");
        Assert.Equal(["workflows:read", "executions:run"], found!.Scopes);
        Assert.Equal(key with { Scopes = found.Scopes }, found);
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.CreateApiKeyAsync(Key()));
        Assert.Single(await Store.ListApiKeysAsync("default"));
        Assert.Null(await Store.GetApiKeyAsync("t2", key.Id));

        await Store.TouchApiKeysAsync(new Dictionary<Guid, DateTimeOffset> { [key.Id] = T0.AddMinutes(5) });
        await Store.TouchApiKeysAsync(new Dictionary<Guid, DateTimeOffset> { [key.Id] = T0.AddMinutes(1) });
        Assert.Equal(T0.AddMinutes(5), (await Store.GetApiKeyAsync("default", key.Id))!.LastUsedAt);

        Assert.False(await Store.RevokeApiKeyAsync("t2", key.Id, T0));
        Assert.True(await Store.RevokeApiKeyAsync("default", key.Id, T0.AddHours(1)));
        Assert.False(await Store.RevokeApiKeyAsync("default", key.Id, T0.AddHours(2)));
        Assert.Equal(T0.AddHours(1), (await Store.FindApiKeyAsync("h1"))!.RevokedAt);
    }

    [Fact]
    public async Task OAuthClients_AreUniqueByClientId_AndRevocable()
    {
        var client = await Store.CreateOAuthClientAsync(new OAuthClientRecord(Guid.NewGuid(), "default", "occ_1", "ci", "secret-hash", Roles.Operator,
            ["executions:run"], null, null, T0));

        Assert.Equal("ci", (await Store.FindOAuthClientAsync("occ_1"))!.Name);
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.CreateOAuthClientAsync(client with { Id = Guid.NewGuid() }));
        Assert.Single(await Store.ListOAuthClientsAsync("default"));
        Assert.Empty(await Store.ListOAuthClientsAsync("t2"));
        Assert.True(await Store.RevokeOAuthClientAsync("default", client.Id, T0.AddMinutes(1)));
        Assert.Equal(T0.AddMinutes(1), (await Store.FindOAuthClientAsync("occ_1"))!.RevokedAt);
    }

    [Fact]
    public async Task ServerKey_TheFirstWriterWins_ForEveryNode()
    {
        await using var peer = await Backend.OpenPeerAsync();

        var values = await Task.WhenAll(
            Store.GetOrAddServerKeyAsync("jwt", "from-a", T0),
            peer.Identities.GetOrAddServerKeyAsync("jwt", "from-b", T0));

        Assert.Equal(values[0], values[1]);
        Assert.Equal(values[0], await Store.GetOrAddServerKeyAsync("jwt", "from-c", T0));
    }
}
