using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>The audit trail of changes and the access log of requests.</summary>
public sealed class AuditTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task AWorkflowUpdate_IsAuditedWithWhoBeforeAfterAndWhere()
    {
        var editor = await server.CreateClientAsync(Roles.Editor);
        var me = await editor.GetJsonAsync("api/v2/auth/me");
        var id = Definitions.NewId("audited");
        (await editor.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id, "Before"))).Dispose();
        editor.DefaultRequestHeaders.UserAgent.ParseAdd("audit-test/1.0");
        using var updated = await editor.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.HelloJson(id, "After")));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var page = await server.Client.GetJsonAsync($"api/v2/audit?resource_type=workflow&resource_id={id}");

        var records = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["update", "create"], records.Select(r => r.Str("action")));
        var update = records[0];
        Assert.Equal(me.Str("id"), update.Str("actor_id"));
        Assert.Equal("user", update.Str("actor_kind"));
        Assert.Equal("Before", update.GetProperty("before").Str("name"));
        Assert.Equal("After", update.GetProperty("after").Str("name"));
        Assert.Equal("127.0.0.1", update.Str("ip"));
        Assert.Equal("audit-test/1.0", update.Str("user_agent"));
        Assert.False(string.IsNullOrEmpty(update.Str("request_id")));
        var byActor = await server.Client.GetJsonAsync($"api/v2/audit?actor={me.Str("id")}");
        Assert.All(byActor.GetProperty("items").EnumerateArray(), r => Assert.Equal(me.Str("id"), r.Str("actor_id")));
    }

    [Fact]
    public async Task FailedOrReadOnlyRequests_AreNotAudited_AndOtherTenantsAuditIsInvisible()
    {
        var id = Definitions.NewId("notaudited");
        (await server.Client.PostJsonAsync("api/v2/workflows", "{ broken")).Dispose();
        (await server.Client.GetAsync($"api/v2/workflows/{id}")).Dispose();
        var other = await server.CreateTenantClientAsync("audit-other", Roles.Admin);
        var otherId = Definitions.NewId("theirs");
        (await other.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(otherId))).Dispose();

        var mine = await server.Client.GetJsonAsync("api/v2/audit?resource_type=workflow&limit=1000");
        var theirs = await other.GetJsonAsync("api/v2/audit");

        Assert.DoesNotContain(mine.GetProperty("items").EnumerateArray(), r => r.Str("resource_id") == otherId);
        Assert.Single(theirs.GetProperty("items").EnumerateArray(), r => r.Str("resource_id") == otherId);
    }

    [Fact]
    public async Task SecretsInAuditedState_AreRedacted()
    {
        var json = AuditRedaction.ToJson(new { name = "n", password = "hunter2", settings = new { api_key = "ock_x", nested = new[] { new { client_secret = "s" } } } });

        Assert.Equal("""{"name":"n","password":"[redacted]","settings":{"api_key":"[redacted]","nested":[{"client_secret":"[redacted]"}]}}""", json);
    }

    [Fact]
    public async Task CreatingAnApiKey_AuditsItWithoutTheKey()
    {
        var admin = await server.CreateClientAsync(Roles.Admin);
        using var created = await admin.PostJsonAsync("api/v2/api-keys", """{"name":"audited","scopes":["workflows:read"]}""");
        var body = await created.ReadJsonAsync();
        var key = body.Str("key");
        var id = body.GetProperty("api_key").Str("id");

        var page = await server.Client.GetJsonAsync($"api/v2/audit?resource_type=api_key&resource_id={id}");

        var record = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(key, record.GetRawText());
        Assert.Equal(key[..12], record.GetProperty("after").Str("prefix"));
    }

    [Fact]
    public async Task EveryRequest_ReachesTheAccessLog_InBatches()
    {
        var viewer = await server.CreateClientAsync(Roles.Viewer);
        var path = $"/api/v2/workflows/{Definitions.NewId("logged")}";
        (await viewer.GetAsync(path)).Dispose();
        (await server.CreateAnonymousClient().GetAsync(path)).Dispose();

        await server.Services.GetRequiredService<SecurityLogWriter>().FlushAsync();
        var log = await server.Services.GetRequiredService<ISecurityLogStore>().RecentAccessLogAsync("default", 1000);

        var entry = Assert.Single(log, e => e.Path == path);
        Assert.Equal(404, entry.Status);
        Assert.Equal("GET", entry.Method);
        Assert.StartsWith("viewer-", entry.CallerName);
        Assert.True(entry.DurationMs > 0);
    }
}
