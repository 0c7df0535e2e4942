using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>What every <see cref="ISecurityLogStore"/> and <see cref="ITenantUsageQueries"/> must do.</summary>
public abstract class SecurityLogStoreConformanceTests : StorageConformanceTests
{
    private ISecurityLogStore Store => Backend.SecurityLog;

    private static AuditRecord Audit(int minute, string tenant = "default", string actor = "u1", string type = "workflow", string? id = "wf",
        string? before = null, string? after = """{"name":"x"}""") =>
        new(Guid.CreateVersion7(), tenant, actor, "ada", "user", "update", type, id, before, after, "127.0.0.1", "curl/8", "req-1", T0.AddMinutes(minute));

    [Fact]
    public async Task Audit_KeepsEveryField_AndFiltersByActorResourceAndTime()
    {
        var first = Audit(1, before: """{ "name" : "é" }""");
        await Store.AppendAuditAsync(first);
        await Store.AppendAuditAsync(Audit(2, actor: "u2"));
        await Store.AppendAuditAsync(Audit(3, type: "user", id: "u9"));
        await Store.AppendAuditAsync(Audit(4, tenant: "t2"));

        var all = await Store.QueryAuditAsync(new AuditQuery("default"));
        Assert.Equal([3, 2, 1], all.Items.Select(r => (int)(r.CreatedAt - T0).TotalMinutes));
        Assert.Equal(first, all.Items[^1]);
        Assert.Single((await Store.QueryAuditAsync(new AuditQuery("default", ActorId: "u2"))).Items);
        Assert.Single((await Store.QueryAuditAsync(new AuditQuery("default", ResourceType: "user", ResourceId: "u9"))).Items);
        Assert.Equal(2, (await Store.QueryAuditAsync(new AuditQuery("default", Since: T0.AddMinutes(2)))).Items.Count);
        Assert.Single((await Store.QueryAuditAsync(new AuditQuery("default", Until: T0.AddMinutes(2)))).Items);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAuditAsync(Audit(5, after: "{ not json")));
    }

    [Fact]
    public async Task Audit_PagesWithoutGapsOrRepeats()
    {
        for (var i = 0; i < 7; i++) await Store.AppendAuditAsync(Audit(i % 3));

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await Store.QueryAuditAsync(new AuditQuery("default", Limit: 3, Cursor: cursor));
            seen.AddRange(page.Items.Select(r => r.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(7, seen.Distinct().Count());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.QueryAuditAsync(new AuditQuery("default", Cursor: "garbage!")));
    }

    [Fact]
    public async Task AccessLog_AppendsABatch_AndReadsTheTenantsNewestFirst()
    {
        var batch = Enumerable.Range(0, 50).Select(i => new AccessLogRecord(Guid.CreateVersion7(), i % 2 == 0 ? "default" : null, "GET", $"/api/v2/x/{i}",
            200, 1.25, "u1", "ada", "::1", $"r{i}", T0.AddSeconds(i))).ToList();

        await Store.AppendAccessLogAsync(batch);

        var recent = await Store.RecentAccessLogAsync("default", 10);
        Assert.Equal(10, recent.Count);
        Assert.Equal(batch[48], recent[0]);
    }

    [Fact]
    public async Task SecurityEvents_FilterByTenantAndKind_AndPage()
    {
        await Store.AppendSecurityEventsAsync([
            new(Guid.CreateVersion7(), "default", SecurityEventKinds.LoginFailed, "ada", "::1", "wrong password", null, T0),
            new(Guid.CreateVersion7(), null, SecurityEventKinds.SandboxViolation, "probe", null, "network", """{"plugin":"probe"}""", T0.AddSeconds(1)),
            new(Guid.CreateVersion7(), "t2", SecurityEventKinds.PermissionDenied, "bob", "::1", "denied", null, T0.AddSeconds(2)),
        ]);

        Assert.Equal(3, (await Store.QuerySecurityEventsAsync(new SecurityEventQuery(null))).Items.Count);
        Assert.Equal("wrong password", Assert.Single((await Store.QuerySecurityEventsAsync(new SecurityEventQuery("default"))).Items).Detail);
        Assert.Equal("""{"plugin":"probe"}""",
            Assert.Single((await Store.QuerySecurityEventsAsync(new SecurityEventQuery(null, SecurityEventKinds.SandboxViolation))).Items).Data);
        var page = await Store.QuerySecurityEventsAsync(new SecurityEventQuery(null, Limit: 2));
        Assert.NotNull(page.NextCursor);
        Assert.Single((await Store.QuerySecurityEventsAsync(new SecurityEventQuery(null, Limit: 2, Cursor: page.NextCursor))).Items);
    }

    [Fact]
    public async Task Usage_CountsTheTenantsWorkflowsAndTodaysExecutions()
    {
        await Backend.Workflows.CreateAsync(Workflow("a"));
        await Backend.Workflows.CreateAsync(Workflow("b"));
        await Backend.Workflows.CreateAsync(Workflow("a", tenantId: "t2"));

        Assert.Equal(2, await Backend.Usage.CountWorkflowsAsync("default"));
        Assert.Equal(1, await Backend.Usage.CountWorkflowsAsync("t2"));
        Assert.Equal(0, await Backend.Usage.CountExecutionsSinceAsync("default", T0));
    }
}
