using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every <see cref="IWorkflowShareStore"/> must do: one share per principal and workflow, only on the tenant's own workflows.</summary>
public abstract class WorkflowShareStoreConformanceTests : StorageConformanceTests
{
    private IWorkflowShareStore Store => Backend.Shares;

    private static WorkflowShareRecord Share(string type, string principal, string permission, string workflow = "wf", string tenantId = "default") =>
        new(tenantId, workflow, type, principal, permission, "admin", T0);

    [Fact]
    public async Task Put_CreatesOrReplaces_AndFindMatchesTheUserOrTheirRole()
    {
        await Backend.Workflows.CreateAsync(Workflow("wf"));

        await Store.PutShareAsync(Share("user", "u1", "read"));
        var replaced = await Store.PutShareAsync(Share("user", "u1", "edit"));
        await Store.PutShareAsync(Share("role", "viewer", "run"));
        await Store.PutShareAsync(Share("user", "u2", "read"));

        Assert.Equal("edit", replaced!.Permission);
        Assert.Equal(["user u1 edit", "user u2 read", "role viewer run"],
            (await Store.ListSharesAsync("default", "wf")).Select(s => $"{s.PrincipalType} {s.PrincipalId} {s.Permission}"));
        Assert.Equal(["edit", "run"], (await Store.FindSharesAsync("default", "wf", "u1", "viewer")).Select(s => s.Permission));
        Assert.Empty(await Store.FindSharesAsync("default", "wf", "u3", "editor"));
    }

    [Fact]
    public async Task Put_OnAnotherTenantsOrAMissingWorkflow_StoresNothing()
    {
        await Backend.Workflows.CreateAsync(Workflow("wf", tenantId: "t2"));

        Assert.Null(await Store.PutShareAsync(Share("user", "u1", "read")));
        Assert.Null(await Store.PutShareAsync(Share("user", "u1", "read", workflow: "missing")));
        Assert.Empty(await Store.ListSharesAsync("default", "wf"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutShareAsync(Share("group", "g", "read", tenantId: "t2")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutShareAsync(Share("user", "u", "own", tenantId: "t2")));
    }

    [Fact]
    public async Task Delete_RemovesOne_AndDeletingTheWorkflowRemovesAll()
    {
        await Backend.Workflows.CreateAsync(Workflow("wf"));
        await Store.PutShareAsync(Share("user", "u1", "read"));
        await Store.PutShareAsync(Share("role", "viewer", "run"));

        Assert.True(await Store.DeleteShareAsync("default", "wf", "user", "u1"));
        Assert.False(await Store.DeleteShareAsync("default", "wf", "user", "u1"));
        Assert.True(await Backend.Workflows.DeleteAsync("default", "wf"));
        Assert.Empty(await Store.ListSharesAsync("default", "wf"));
    }
}
