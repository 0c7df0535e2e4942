using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Integrations;

/// <summary>The rule API: validation of every field, updates, and tenant isolation.</summary>
public sealed class NotificationRuleEndpointsTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<int> CountAsync() => (await _http.GetJsonAsync("api/v2/notifications/rules")).GetArrayLength();

    [Theory]
    [InlineData("{ \"name\": ", "$")]
    [InlineData("""{ "events": ["execution.failed"], "channel": "in_app" }""", "$.name")]
    [InlineData("""{ "name": "r", "events": ["execution.exploded"], "channel": "in_app" }""", "$.events[0]")]
    [InlineData("""{ "name": "r", "events": [], "channel": "in_app" }""", "$.events")]
    [InlineData("""{ "name": "r", "events": ["execution.failed"], "channel": "pager" }""", "$.channel")]
    [InlineData("""{ "name": "r", "events": ["execution.slow"], "channel": "in_app" }""", "$.slow_threshold_seconds")]
    [InlineData("""{ "name": "r", "events": ["execution.slow"], "slow_threshold_seconds": -5, "channel": "in_app" }""", "$.slow_threshold_seconds")]
    [InlineData("""{ "name": "r", "events": ["execution.failed"], "channel": "webhook" }""", "$.target")]
    [InlineData("""{ "name": "r", "events": ["execution.failed"], "channel": "webhook", "target": { "url": "file:///etc/passwd" } }""", "$.target.url")]
    [InlineData("""{ "name": "r", "events": ["execution.failed"], "channel": "webhook", "target": { "url": "http://x", "headers": {} } }""", "$.target.headers")]
    [InlineData("""{ "name": "r", "events": ["execution.failed"], "channel": "email", "target": { "to": "not-an-address", "credential": "none" } }""", "$.target.to")]
    [InlineData("""{ "name": "r", "events": ["execution.failed"], "channel": "email", "target": { "to": "a@b.c", "credential": "no-such-smtp" } }""", "$.target.credential")]
    [InlineData("""{ "name": "r", "events": ["execution.failed"], "channel": "in_app", "signed": true }""", "$.signed")]
    [InlineData("""{ "name": "r", "events": ["execution.failed"], "channel": "in_app", "workflow_id": "'; DELETE FROM notification_rules; --" }""", "$.workflow_id")]
    [InlineData("""{ "name": "r", "events": ["execution.failed"], "channel": "in_app", "priority": "high" }""", "$.priority")]
    public async Task Create_BadInput_IsAProblemNamingTheField_AndNothingIsStored(string body, string field)
    {
        var before = await CountAsync();
        using var response = await _http.PostJsonAsync("api/v2/notifications/rules", body);
        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(field, problem.ErrorKeys());
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Update_ChangesTheRule_AndSigningIsShownOnce()
    {
        using var created = await _http.PostJsonAsync("api/v2/notifications/rules", """{ "name": "r", "events": ["execution.failed"], "channel": "in_app" }""");
        var rule = await created.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = rule.Str("id");

        using (var update = await _http.PutAsync($"api/v2/notifications/rules/{id}",
            HttpJson.Json("""{ "channel": "webhook", "target": { "url": "http://127.0.0.1:9/hook" }, "signed": true, "enabled": false }""")))
        {
            var body = await update.ReadJsonAsync();
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            Assert.StartsWith("whsec_", body.Str("signing_secret"));
            Assert.False(body.GetProperty("enabled").GetBoolean());
            Assert.Equal("http://127.0.0.1:9/hook", body.GetProperty("target").Str("url"));
        }
        var read = await _http.GetJsonAsync($"api/v2/notifications/rules/{id}");
        Assert.True(read.GetProperty("signed").GetBoolean());
        Assert.False(read.TryGetProperty("signing_secret", out _));
        using (var bad = await _http.PutAsync($"api/v2/notifications/rules/{id}", HttpJson.Json("""{ "events": "all" }""")))
            Assert.Contains("$.events", (await bad.AssertProblemAsync(400)).ErrorKeys());
        using (var delete = await _http.DeleteAsync($"api/v2/notifications/rules/{id}")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var gone = await _http.GetAsync($"api/v2/notifications/rules/{id}")) await gone.AssertProblemAsync(404);
    }

    [Fact]
    public async Task DeliveryAndInboxQueries_RefuseBadFilters()
    {
        using (var r = await _http.GetAsync("api/v2/notifications/deliveries?status=lost")) Assert.Contains("status", (await r.AssertProblemAsync(400)).ErrorKeys());
        using (var r = await _http.GetAsync("api/v2/notifications/deliveries?limit=0")) Assert.Contains("limit", (await r.AssertProblemAsync(400)).ErrorKeys());
        using (var r = await _http.GetAsync("api/v2/notifications/inbox?limit=100000")) Assert.Contains("limit", (await r.AssertProblemAsync(400)).ErrorKeys());
    }

    [Fact]
    public async Task AnotherTenantsRule_Is404_AndItsDeliveriesAndInboxAreInvisible()
    {
        var store = server.Services.GetRequiredService<INotificationStore>();
        var now = DateTimeOffset.UtcNow;
        var id = Guid.NewGuid();
        await store.CreateRuleAsync(new NotificationRuleRecord(id, "tenant-b", null, "theirs", ["execution.failed"], "in_app", "{}", null, null, null, true, now, now));
        await store.EnqueueAsync([new NotificationDeliveryRecord(Guid.NewGuid(), "tenant-b", id, "execution.failed", null, $"b:{id}", "in_app", "{}", "pending", 0, now.AddDays(1), null, now, null)]);
        var item = new InboxItemRecord(Guid.NewGuid(), "tenant-b", id, Guid.NewGuid(), "execution.failed", "theirs", "{}", now, null);
        await store.AddInboxItemAsync(item);

        using (var r = await _http.GetAsync($"api/v2/notifications/rules/{id}")) await r.AssertProblemAsync(404);
        using (var r = await _http.PutAsync($"api/v2/notifications/rules/{id}", HttpJson.Json("""{ "enabled": false }"""))) await r.AssertProblemAsync(404);
        using (var r = await _http.DeleteAsync($"api/v2/notifications/rules/{id}")) await r.AssertProblemAsync(404);
        using (var r = await _http.PostAsync($"api/v2/notifications/inbox/{item.Id}/read", null)) await r.AssertProblemAsync(404);
        Assert.DoesNotContain(id.ToString(), (await _http.GetJsonAsync($"api/v2/notifications/deliveries?rule_id={id}")).GetRawText());
        Assert.DoesNotContain(item.Id.ToString(), (await _http.GetJsonAsync("api/v2/notifications/inbox")).GetRawText());
        Assert.True((await store.GetRuleAsync("tenant-b", id))!.Enabled);
    }
}
