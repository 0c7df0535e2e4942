using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every <see cref="IWorkflowStore"/> must do: versioned CRUD, optimistic updates, search and paging.</summary>
public abstract class WorkflowStoreConformanceTests : StorageConformanceTests
{
    private IWorkflowStore Store => Backend.Workflows;

    [Fact]
    public async Task Create_ThenGet_ReturnsVersion1()
    {
        var workflow = Workflow("orders") with { Version = 42 };

        var created = await Store.CreateAsync(workflow);

        Assert.Equal(1, created.Version);
        Assert.Equal(workflow with { Version = 1 }, created);
        Assert.Equal(created, await Store.GetAsync("default", "orders"));
        Assert.Equal(created, await Store.GetVersionAsync("default", "orders", 1));
    }

    [Fact]
    public async Task Create_KeepsDefinitionAndSourceExactly()
    {
        const string definition = """{ "id": "ü", "steps": [ {"id":"a","name":"日本語 ✓"} ] }""";
        const string source = "# a comment\r\nid: ü\nsteps:\n  - id: a   # trailing\n    name: 日本語 ✓\n";
        var workflow = Workflow("exact") with { Definition = definition, Source = source, Description = null, OwnerId = null };

        await Store.CreateAsync(workflow);

        var stored = await Store.GetAsync("default", "exact");
        Assert.Equal(definition, stored!.Definition);
        Assert.Equal(source, stored.Source);
        Assert.Null(stored.Description);
        Assert.Null(stored.OwnerId);
    }

    [Fact]
    public async Task Create_StoresTimesToTheMillisecond()
    {
        var at = T0.AddTicks(12_345);
        var created = await Store.CreateAsync(Workflow("t", at: at));

        Assert.Equal(T0.AddMilliseconds(1), created.CreatedAt);
        Assert.Equal(created, await Store.GetAsync("default", "t"));
    }

    [Fact]
    public async Task Create_DuplicateId_ThrowsDuplicateKey()
    {
        await Store.CreateAsync(Workflow("dup", name: "first"));

        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.CreateAsync(Workflow("dup", name: "second")));

        Assert.Equal("first", (await Store.GetAsync("default", "dup"))!.Name);
    }

    [Fact]
    public async Task Create_SameIdInAnotherTenant_IsAllowed()
    {
        await Store.CreateAsync(Workflow("shared", tenantId: "t1", name: "one"));
        await Store.CreateAsync(Workflow("shared", tenantId: "t2", name: "two"));

        Assert.Equal("one", (await Store.GetAsync("t1", "shared"))!.Name);
        Assert.Equal("two", (await Store.GetAsync("t2", "shared"))!.Name);
    }

    [Fact]
    public async Task Create_InvalidStatus_IsRejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateAsync(Workflow("bad", status: "deleted")));
        Assert.Null(await Store.GetAsync("default", "bad"));
    }

    [Fact]
    public async Task Update_WithExpectedVersion_SavesANewVersionAndKeepsTheOld()
    {
        var v1 = await Store.CreateAsync(Workflow("wf"));
        var edit = v1 with
        {
            Name = "Renamed",
            Definition = """{"id":"wf","steps":[{"id":"a"}]}""",
            Source = "id: wf\nsteps:\n  - id: a\n",
            Status = "published",
            CreatedAt = T0.AddDays(9),
            UpdatedAt = T0.AddMinutes(1),
        };

        var v2 = await Store.UpdateAsync(edit, expectedVersion: 1);

        Assert.NotNull(v2);
        Assert.Equal(edit with { Version = 2, CreatedAt = v1.CreatedAt }, v2);
        Assert.Equal(v2, await Store.GetAsync("default", "wf"));
        Assert.Equal(v2, await Store.GetVersionAsync("default", "wf", 2));

        var old = await Store.GetVersionAsync("default", "wf", 1);
        Assert.NotNull(old);
        Assert.Equal(1, old.Version);
        Assert.Equal(v1.Name, old.Name);
        Assert.Equal(v1.Definition, old.Definition);
        Assert.Equal(v1.Source, old.Source);
        Assert.Equal(v1.UpdatedAt, old.UpdatedAt);
        Assert.Null(await Store.GetVersionAsync("default", "wf", 3));
    }

    [Fact]
    public async Task Update_StaleExpectedVersion_ThrowsAndChangesNothing()
    {
        var v1 = await Store.CreateAsync(Workflow("wf"));
        await Store.UpdateAsync(v1 with { Name = "second" }, 1);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpdateAsync(v1 with { Name = "lost update" }, 1));

        var current = await Store.GetAsync("default", "wf");
        Assert.Equal(2, current!.Version);
        Assert.Equal("second", current.Name);
        Assert.Null(await Store.GetVersionAsync("default", "wf", 3));
    }

    [Fact]
    public async Task Update_WithoutExpectedVersion_AlwaysSaves()
    {
        var v1 = await Store.CreateAsync(Workflow("wf"));
        await Store.UpdateAsync(v1 with { Name = "b" }, null);

        var v3 = await Store.UpdateAsync(v1 with { Name = "c" }, null);

        Assert.Equal(3, v3!.Version);
        Assert.Equal("c", (await Store.GetAsync("default", "wf"))!.Name);
    }

    [Fact]
    public async Task Update_UnknownWorkflow_ReturnsNull()
    {
        Assert.Null(await Store.UpdateAsync(Workflow("missing"), 1));
        Assert.Null(await Store.UpdateAsync(Workflow("missing"), null));
        Assert.Null(await Store.GetAsync("default", "missing"));
    }

    [Fact]
    public async Task Get_IsScopedToTheTenant()
    {
        await Store.CreateAsync(Workflow("wf", tenantId: "t1"));

        Assert.Null(await Store.GetAsync("t2", "wf"));
        Assert.Null(await Store.GetVersionAsync("t2", "wf", 1));
        Assert.Null(await Store.UpdateAsync(Workflow("wf", tenantId: "t2"), 1));
        Assert.False(await Store.DeleteAsync("t2", "wf"));
        Assert.NotNull(await Store.GetAsync("t1", "wf"));
    }

    [Fact]
    public async Task Delete_RemovesTheWorkflowAndItsVersions()
    {
        var v1 = await Store.CreateAsync(Workflow("wf"));
        await Store.UpdateAsync(v1 with { Name = "b" }, 1);

        Assert.True(await Store.DeleteAsync("default", "wf"));

        Assert.Null(await Store.GetAsync("default", "wf"));
        Assert.Null(await Store.GetVersionAsync("default", "wf", 1));
        Assert.Null(await Store.GetVersionAsync("default", "wf", 2));
        Assert.False(await Store.DeleteAsync("default", "wf"));

        // The id is free again, and starts over at version 1.
        var again = await Store.CreateAsync(Workflow("wf", name: "new"));
        Assert.Equal(1, again.Version);
        Assert.Equal("new", (await Store.GetVersionAsync("default", "wf", 1))!.Name);
    }

    [Fact]
    public async Task List_PagesNewestUpdatedFirstWithoutGapsOrRepeats()
    {
        for (var i = 0; i < 25; i++)
        {
            // Pairs share a timestamp so the id tie-break is exercised across page boundaries.
            await Store.CreateAsync(Workflow($"wf-{i:D2}", at: T0.AddSeconds(i / 2)));
        }

        await Store.CreateAsync(Workflow("elsewhere", tenantId: "other", at: T0.AddDays(1)));

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.ListAsync(new WorkflowQuery("default", Limit: 10, Cursor: cursor));
            seen.AddRange(page.Items.Select(w => w.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        var expected = Enumerable.Range(0, 25)
            .Select(i => (Id: $"wf-{i:D2}", At: i / 2))
            .OrderByDescending(x => x.At).ThenByDescending(x => x.Id, StringComparer.Ordinal)
            .Select(x => x.Id);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task List_ExactlyOnePage_HasNoNextCursor()
    {
        for (var i = 0; i < 3; i++)
        {
            await Store.CreateAsync(Workflow($"wf-{i}", at: T0.AddSeconds(i)));
        }

        var page = await Store.ListAsync(new WorkflowQuery("default", Limit: 3));

        Assert.Equal(["wf-2", "wf-1", "wf-0"], page.Items.Select(w => w.Id));
        Assert.Null(page.NextCursor);
        Assert.Empty((await Store.ListAsync(new WorkflowQuery("nobody"))).Items);
    }

    [Fact]
    public async Task List_UpdatedWorkflowMovesToTheFront()
    {
        var old = await Store.CreateAsync(Workflow("old", at: T0));
        await Store.CreateAsync(Workflow("new", at: T0.AddSeconds(1)));
        await Store.UpdateAsync(old with { UpdatedAt = T0.AddSeconds(2) }, 1);

        var page = await Store.ListAsync(new WorkflowQuery("default"));

        Assert.Equal(["old", "new"], page.Items.Select(w => w.Id));
        Assert.Equal(2, page.Items[0].Version);
    }

    [Fact]
    public async Task List_SearchMatchesIdOrNameCaseInsensitively()
    {
        await Store.CreateAsync(Workflow("billing-sync", name: "Nightly export", at: T0));
        await Store.CreateAsync(Workflow("crm", name: "Sync CRM contacts", at: T0.AddSeconds(1)));
        await Store.CreateAsync(Workflow("other", name: "Unrelated", at: T0.AddSeconds(2)));

        var page = await Store.ListAsync(new WorkflowQuery("default", Search: "SYNC"));

        Assert.Equal(["crm", "billing-sync"], page.Items.Select(w => w.Id));
    }

    [Fact]
    public async Task List_SearchTreatsWildcardsLiterally()
    {
        await Store.CreateAsync(Workflow("a", name: "100% done", at: T0));
        await Store.CreateAsync(Workflow("b", name: "100 done", at: T0.AddSeconds(1)));
        await Store.CreateAsync(Workflow("c_d", name: "underscore", at: T0.AddSeconds(2)));
        await Store.CreateAsync(Workflow("cxd", name: "no underscore", at: T0.AddSeconds(3)));
        await Store.CreateAsync(Workflow("back", name: @"C:\path", at: T0.AddSeconds(4)));

        Assert.Equal(["a"], (await Store.ListAsync(new WorkflowQuery("default", Search: "0%"))).Items.Select(w => w.Id));
        Assert.Equal(["c_d"], (await Store.ListAsync(new WorkflowQuery("default", Search: "c_"))).Items.Select(w => w.Id));
        Assert.Equal(["back"], (await Store.ListAsync(new WorkflowQuery("default", Search: @":\p"))).Items.Select(w => w.Id));
    }

    [Fact]
    public async Task List_FiltersByStatusAndPagesWithinTheFilter()
    {
        for (var i = 0; i < 6; i++)
        {
            await Store.CreateAsync(Workflow($"wf-{i}", status: i % 2 == 0 ? "published" : "draft", at: T0.AddSeconds(i)));
        }

        var first = await Store.ListAsync(new WorkflowQuery("default", Status: "published", Limit: 2));
        var second = await Store.ListAsync(new WorkflowQuery("default", Status: "published", Limit: 2, Cursor: first.NextCursor));

        Assert.Equal(["wf-4", "wf-2"], first.Items.Select(w => w.Id));
        Assert.Equal(["wf-0"], second.Items.Select(w => w.Id));
        Assert.Null(second.NextCursor);
        Assert.Empty((await Store.ListAsync(new WorkflowQuery("default", Status: "archived"))).Items);
    }

    [Fact]
    public async Task List_IsScopedToTheTenant()
    {
        await Store.CreateAsync(Workflow("mine", tenantId: "t1"));
        await Store.CreateAsync(Workflow("theirs", tenantId: "t2"));

        Assert.Equal(["mine"], (await Store.ListAsync(new WorkflowQuery("t1"))).Items.Select(w => w.Id));
        Assert.Empty((await Store.ListAsync(new WorkflowQuery("t1", Search: "theirs"))).Items);
    }

    [Fact]
    public async Task List_RejectsABadCursorOrLimit()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ListAsync(new WorkflowQuery("default", Cursor: "not a cursor!")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ListAsync(new WorkflowQuery("default", Limit: 0)));
    }

    [Fact]
    public async Task Publish_SetsThePublishedVersion_AndEditsKeepIt()
    {
        var v1 = await Store.CreateAsync(Workflow("pub") with { Author = "alice", PublishedVersion = 7 });
        Assert.Null(v1.PublishedVersion);
        var v2 = await Store.UpdateAsync(v1 with { Name = "Second", UpdatedAt = T0.AddMinutes(1), Author = "bob" }, 1);

        var published = await Store.PublishAsync("default", "pub", 1);

        Assert.NotNull(published);
        Assert.Equal(1, published.PublishedVersion);
        Assert.Equal("published", published.Status);
        Assert.Equal(2, published.Version);
        Assert.Equal("bob", published.Author);
        Assert.Equal(published, await Store.GetAsync("default", "pub"));
        var v3 = await Store.UpdateAsync(published with { Name = "Third", UpdatedAt = T0.AddMinutes(2), Author = "carol" }, 2);
        Assert.Equal(1, v3!.PublishedVersion);
        Assert.Equal(1, (await Store.GetAsync("default", "pub"))!.PublishedVersion);
        var listed = Assert.Single((await Store.ListAsync(new WorkflowQuery("default", Search: "pub"))).Items);
        Assert.Equal(1, listed.PublishedVersion);
        Assert.Equal("carol", listed.Author);
        Assert.Equal("alice", (await Store.GetVersionAsync("default", "pub", 1))!.Author);
        Assert.Equal(3, (await Store.PublishAsync("default", "pub", 3))!.PublishedVersion);
        Assert.NotNull(v2);
    }

    [Fact]
    public async Task Publish_UnknownVersionWorkflowOrTenant_ReturnsNullAndChangesNothing()
    {
        await Store.CreateAsync(Workflow("pub2"));

        Assert.Null(await Store.PublishAsync("default", "pub2", 2));
        Assert.Null(await Store.PublishAsync("default", "missing", 1));
        Assert.Null(await Store.PublishAsync("other", "pub2", 1));

        var stored = await Store.GetAsync("default", "pub2");
        Assert.Null(stored!.PublishedVersion);
        Assert.Equal("draft", stored.Status);
    }

    [Fact]
    public async Task ListVersions_NewestFirst_PagedWithAuthorsAndTimes()
    {
        var current = await Store.CreateAsync(Workflow("hist") with { Author = "v1-author" });
        for (var n = 2; n <= 5; n++)
            current = (await Store.UpdateAsync(current with { Name = $"Name {n}", UpdatedAt = T0.AddMinutes(n), Author = $"v{n}-author" }, n - 1))!;

        var first = await Store.ListVersionsAsync("default", "hist", limit: 3);
        Assert.Equal([5, 4, 3], first.Items.Select(v => v.Version));
        Assert.Equal("v5-author", first.Items[0].Author);
        Assert.Equal("Name 5", first.Items[0].Name);
        Assert.Equal(T0.AddMinutes(5), first.Items[0].CreatedAt);
        Assert.NotNull(first.NextCursor);
        var second = await Store.ListVersionsAsync("default", "hist", limit: 3, cursor: first.NextCursor);
        Assert.Equal([2, 1], second.Items.Select(v => v.Version));
        Assert.Equal("v1-author", second.Items[1].Author);
        Assert.Null(second.NextCursor);

        Assert.Empty((await Store.ListVersionsAsync("other", "hist")).Items);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ListVersionsAsync("default", "hist", cursor: "not a cursor!"));
    }
}
