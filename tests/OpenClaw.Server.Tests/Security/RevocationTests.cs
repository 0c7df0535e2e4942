using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>
/// Ending a session ends its access tokens at once, not at their expiry: logout, password change, role change,
/// deactivation, deletion, "log out everywhere", an administrator ending a user's sessions, refresh-token reuse and a
/// revoked OAuth client each make the very next request with the old token answer 401.
/// </summary>
public sealed class RevocationTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task Logout_EndsThatSessionsAccessToken_ButNotTheUsersOtherSession()
    {
        var user = await UserAsync();
        var (first, firstRefresh) = await LoginAsync(user);
        var (second, _) = await LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("api/v2/workflows")).StatusCode);

        (await server.CreateAnonymousClient().PostJsonAsync("api/v2/auth/logout", $$"""{"refresh_token":"{{firstRefresh}}"}""")).Dispose();

        var refused = await (await first.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
        Assert.Contains("session was ended", refused.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("api/v2/workflows")).StatusCode);
    }

    [Fact]
    public async Task PasswordChange_EndsEveryOtherSession_AndTheNewTokensWork()
    {
        var user = await UserAsync();
        var (other, _) = await LoginAsync(user);
        var (current, _) = await LoginAsync(user);

        using var changed = await current.PostJsonAsync("api/v2/auth/password",
            $$"""{"current_password":"{{Password}}","new_password":"a brand new passphrase"}""");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        await (await other.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
        await (await current.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
        var fresh = server.CreateClient((await changed.ReadJsonAsync()).Str("access_token"));
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("api/v2/workflows")).StatusCode);
    }

    [Theory]
    [InlineData("""{"role":"viewer"}""")]
    [InlineData("""{"is_active":false}""")]
    public async Task RoleChangeOrDeactivation_ByAnAdministrator_EndsTheTokenAtOnce(string change)
    {
        var user = await UserAsync();
        var (client, _) = await LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v2/workflows")).StatusCode);

        using (var patched = await server.Client.PatchAsync($"api/v2/users/{user.Id}", HttpJson.Json(change)))
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        await (await client.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
    }

    [Fact]
    public async Task Reactivation_LetsTheUserLogInAgain()
    {
        var user = await UserAsync();
        (await server.Client.PatchAsync($"api/v2/users/{user.Id}", HttpJson.Json("""{"is_active":false}"""))).Dispose();
        var (client, _) = await LoginAsync(user, expect: HttpStatusCode.Unauthorized);
        Assert.Null(client);

        (await server.Client.PatchAsync($"api/v2/users/{user.Id}", HttpJson.Json("""{"is_active":true}"""))).Dispose();
        var (again, _) = await LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await again!.GetAsync("api/v2/workflows")).StatusCode);
    }

    [Fact]
    public async Task Deletion_EndsTheTokenAtOnce()
    {
        var user = await UserAsync();
        var (client, _) = await LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v2/workflows")).StatusCode);

        using (var deleted = await server.Client.DeleteAsync($"api/v2/users/{user.Id}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await (await client.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
    }

    [Fact]
    public async Task LogoutEverywhere_AndAnAdministratorEndingSessions_EndEveryTokenAndRefreshToken()
    {
        var user = await UserAsync();
        var (phone, phoneRefresh) = await LoginAsync(user);
        var (laptop, _) = await LoginAsync(user);

        using (var all = await laptop.PostAsync("api/v2/auth/logout-all", null))
            Assert.Equal(HttpStatusCode.NoContent, all.StatusCode);
        await (await phone.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
        await (await laptop.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
        await (await server.CreateAnonymousClient().PostJsonAsync("api/v2/auth/refresh", $$"""{"refresh_token":"{{phoneRefresh}}"}""")).AssertProblemAsync(401);

        var (desk, _) = await LoginAsync(user);
        using (var ended = await server.Client.DeleteAsync($"api/v2/users/{user.Id}/sessions"))
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        await (await desk.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
        await (await server.Client.DeleteAsync($"api/v2/users/{Guid.NewGuid()}/sessions")).AssertProblemAsync(404);
        // An API key has no sessions to end.
        await (await server.Client.PostAsync("api/v2/auth/logout-all", null)).AssertProblemAsync(403);
    }

    [Fact]
    public async Task RefreshTokenReuse_EndsTheAccessTokensOfThatSession()
    {
        var user = await UserAsync();
        var (client, refresh) = await LoginAsync(user);
        (await server.CreateAnonymousClient().PostJsonAsync("api/v2/auth/refresh", $$"""{"refresh_token":"{{refresh}}"}""")).Dispose();

        await (await server.CreateAnonymousClient().PostJsonAsync("api/v2/auth/refresh", $$"""{"refresh_token":"{{refresh}}"}""")).AssertProblemAsync(401);

        await (await client.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
    }

    [Fact]
    public async Task RevokedClient_ItsAccessTokenIsRefusedAtOnce()
    {
        using var created = await server.Client.PostJsonAsync("api/v2/oauth-clients", """{"name":"ci","scopes":["workflows:read"]}""");
        var client = await created.ReadJsonAsync();
        using var token = await server.CreateAnonymousClient().PostAsync("api/v2/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = client.Str("client_id"), ["client_secret"] = client.Str("client_secret"),
        }));
        var bearer = server.CreateClient((await token.ReadJsonAsync()).Str("access_token"));
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("api/v2/workflows")).StatusCode);

        (await server.Client.DeleteAsync($"api/v2/oauth-clients/{client.GetProperty("client").Str("id")}")).Dispose();

        await (await bearer.GetAsync("api/v2/workflows")).AssertProblemAsync(401);
    }

    private async Task<UserRecord> UserAsync()
    {
        var user = await server.CreateUserAsync("default", Roles.Editor);
        var hasher = server.Services.GetRequiredService<PasswordHasher<UserRecord>>();
        return (await server.Services.GetRequiredService<IIdentityStore>().UpdateUserAsync(user with { PasswordHash = hasher.HashPassword(user, Password) }))!;
    }

    private async Task<(HttpClient Client, string Refresh)> LoginAsync(UserRecord user, HttpStatusCode expect = HttpStatusCode.OK)
    {
        using var login = await server.CreateAnonymousClient().PostJsonAsync("api/v2/auth/login",
            $$"""{"username":"{{user.Username}}","password":"{{Password}}"}""");
        Assert.Equal(expect, login.StatusCode);
        if (expect != HttpStatusCode.OK) return (null!, "");
        var tokens = await login.ReadJsonAsync();
        return (server.CreateClient(tokens.Str("access_token")), tokens.Str("refresh_token"));
    }
}
