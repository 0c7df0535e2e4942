using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>Users, API keys, OAuth clients and tenants through the API.</summary>
public sealed class AdministrationTests(TestServer server) : IClassFixture<TestServer>
{
    private static async Task<string> LoginAsync(HttpClient anonymous, string username, string password, string? tenant = null)
    {
        var tenantField = tenant is null ? "" : $",\"tenant\":\"{tenant}\"";
        using var response = await anonymous.PostJsonAsync("api/v2/auth/login", $$"""{"username":"{{username}}","password":"{{password}}"{{tenantField}}}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).Str("access_token");
    }

    [Fact]
    public async Task Users_CreateLoginUpdateDelete_WithoutEverShowingAHash()
    {
        var name = "carol-" + Guid.NewGuid().ToString("N")[..6];
        using var created = await server.Client.PostJsonAsync("api/v2/users",
            $$"""{"username":"{{name}}","password":"carol's long password","role":"editor","email":"{{name}}@example.com","must_change_password":false}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await created.ReadJsonAsync();
        Assert.False(user.TryGetProperty("password_hash", out _));
        Assert.Equal("editor", user.Str("role"));

        var carol = server.CreateClient(await LoginAsync(server.CreateAnonymousClient(), name.ToUpperInvariant(), "carol's long password"));
        Assert.Equal("editor", (await carol.GetJsonAsync("api/v2/auth/me")).Str("role"));

        using var demoted = await server.Client.PatchAsync($"api/v2/users/{user.Str("id")}", HttpJson.Json("""{"role":"viewer"}"""));
        Assert.Equal("viewer", (await demoted.ReadJsonAsync()).Str("role"));
        using var duplicate = await server.Client.PostJsonAsync("api/v2/users", $$"""{"username":"{{name}}","password":"another long password"}""");
        await duplicate.AssertProblemAsync(409);
        using var deleted = await server.Client.DeleteAsync($"api/v2/users/{user.Str("id")}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await server.CreateAnonymousClient().PostJsonAsync("api/v2/auth/login",
            $$"""{"username":"{{name}}","password":"carol's long password"}""")).AssertProblemAsync(401);
    }

    [Fact]
    public async Task TheLastActiveAdministrator_CannotBeRemovedDemotedOrDeactivated()
    {
        var tenant = "solo-" + Guid.NewGuid().ToString("N")[..6];
        using var created = await server.Client.PostJsonAsync("api/v2/tenants",
            $$"""{"id":"{{tenant}}","name":"Solo","admin_username":"boss","admin_password":"the boss's password"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var anonymous = server.CreateAnonymousClient();
        var first = await LoginAsync(anonymous, "boss", "the boss's password", tenant);
        using var changed = await server.CreateClient(first).PostJsonAsync("api/v2/auth/password",
            """{"current_password":"the boss's password","new_password":"the boss's new password"}""");
        var boss = server.CreateClient((await changed.ReadJsonAsync()).Str("access_token"));
        var bossId = (await boss.GetJsonAsync("api/v2/auth/me")).Str("id");

        await (await boss.DeleteAsync($"api/v2/users/{bossId}")).AssertProblemAsync(409);
        await (await boss.PatchAsync($"api/v2/users/{bossId}", HttpJson.Json("""{"role":"editor"}"""))).AssertProblemAsync(409);
        await (await boss.PatchAsync($"api/v2/users/{bossId}", HttpJson.Json("""{"is_active":false}"""))).AssertProblemAsync(409);

        using var second = await boss.PostJsonAsync("api/v2/users", """{"username":"deputy","password":"the deputy's password","role":"admin"}""");
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        using var nowAllowed = await boss.PatchAsync($"api/v2/users/{bossId}", HttpJson.Json("""{"role":"editor"}"""));
        Assert.Equal(HttpStatusCode.OK, nowAllowed.StatusCode);
    }

    [Fact]
    public async Task Tenants_AreIsolated_AndOnlyPlatformAdministratorsManageThem()
    {
        var tenant = "iso-" + Guid.NewGuid().ToString("N")[..6];
        (await server.Client.PostJsonAsync("api/v2/tenants", $$"""{"id":"{{tenant}}","name":"Iso"}""")).Dispose();
        var theirAdmin = await server.CreateTenantClientAsync(tenant, Roles.Admin);

        Assert.Equal(tenant, (await server.Client.GetJsonAsync($"api/v2/tenants/{tenant}")).Str("id"));
        await (await theirAdmin.GetAsync("api/v2/tenants")).AssertProblemAsync(403);
        await (await theirAdmin.PostAsync("api/v2/plugins/nothing/1.0.0/enable", null)).AssertProblemAsync(403);
        Assert.DoesNotContain("tenants:manage", (await theirAdmin.GetJsonAsync("api/v2/auth/me")).GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var users = await theirAdmin.GetJsonAsync("api/v2/users");
        Assert.All(users.GetProperty("items").EnumerateArray(), u => Assert.Equal(tenant, u.Str("tenant_id")));
        await (await server.Client.PostJsonAsync("api/v2/tenants", $$"""{"id":"{{tenant}}","name":"Again"}""")).AssertProblemAsync(409);
    }

    [Fact]
    public async Task ApiKeys_AreShownOnce_ListedByPrefix_NarrowedToTheCreatorsRights_AndRevocable()
    {
        var editor = await server.CreateClientAsync(Roles.Editor);

        using var tooMuch = await editor.PostJsonAsync("api/v2/api-keys", """{"name":"k","scopes":["users:manage"]}""");
        Assert.Contains("$.scopes", (await tooMuch.AssertProblemAsync(400)).ErrorKeys());
        using var created = await editor.PostJsonAsync("api/v2/api-keys", """{"name":"ci","scopes":["workflows:read"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var key = body.Str("key");
        Assert.StartsWith("ock_", key);

        var keyClient = server.CreateClient(key);
        Assert.Equal(HttpStatusCode.OK, (await keyClient.GetAsync("api/v2/workflows")).StatusCode);
        await (await keyClient.PostJsonAsync("api/v2/api-keys", """{"name":"chain","scopes":["*"]}""")).AssertProblemAsync(403);
        await server.Services.GetRequiredService<OpenClaw.Server.Security.SecurityLogWriter>().FlushAsync();
        var listed = Assert.Single((await editor.GetJsonAsync("api/v2/api-keys")).GetProperty("items").EnumerateArray());
        Assert.Equal(key[..12], listed.Str("prefix"));
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.False(listed.TryGetProperty("key_hash", out _));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, listed.GetProperty("last_used_at").ValueKind);

        using var revoked = await editor.DeleteAsync($"api/v2/api-keys/{listed.Str("id")}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await (await keyClient.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
    }

    [Fact]
    public async Task OAuthClients_ShowTheSecretOnce_AndTheTokenEndpointHonoursRevocation()
    {
        using var created = await server.Client.PostJsonAsync("api/v2/oauth-clients", """{"name":"etl","scopes":["executions:run"],"role":"operator"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = body.Str("client_id"), ["client_secret"] = body.Str("client_secret"),
        });
        var anonymous = server.CreateAnonymousClient();
        using var token = await anonymous.PostAsync("api/v2/oauth/token", form);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.DoesNotContain(body.Str("client_secret"), (await server.Client.GetJsonAsync("api/v2/oauth-clients")).GetRawText());

        (await server.Client.DeleteAsync($"api/v2/oauth-clients/{body.GetProperty("client").Str("id")}")).Dispose();
        using var refused = await anonymous.PostAsync("api/v2/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = body.Str("client_id"), ["client_secret"] = body.Str("client_secret"),
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Roles_ServesTheMatrix()
    {
        var viewer = await server.CreateClientAsync(Roles.Viewer);

        var matrix = await viewer.GetJsonAsync("api/v2/roles");

        var roles = matrix.GetProperty("roles").EnumerateArray().ToDictionary(r => r.Str("name"), r => r.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList());
        Assert.Equal(["admin", "editor", "operator", "viewer"], roles.Keys);
        Assert.Contains("workflows:write", roles["editor"]);
        Assert.DoesNotContain("workflows:write", roles["operator"]);
        Assert.Contains("queues:manage", roles["operator"]);
        Assert.DoesNotContain("executions:run", roles["viewer"]);
        Assert.Equal(3, matrix.GetProperty("share_levels").GetArrayLength());
    }
}
