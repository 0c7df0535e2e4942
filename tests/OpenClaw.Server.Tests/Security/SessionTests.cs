using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>Login, the first administrator, password change, refresh rotation with reuse detection, logout, lockout.</summary>
public sealed class SessionTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Password = "correct horse battery staple";

    private async Task<UserRecord> CreateUserWithPasswordAsync(string role = Roles.Editor, bool mustChange = false)
    {
        var user = await server.CreateUserAsync("default", role);
        var hasher = server.Services.GetRequiredService<Microsoft.AspNetCore.Identity.PasswordHasher<UserRecord>>();
        return (await server.Services.GetRequiredService<IIdentityStore>().UpdateUserAsync(
            user with { PasswordHash = hasher.HashPassword(user, Password), MustChangePassword = mustChange }))!;
    }

    private Task<HttpResponseMessage> LoginAsync(string username, string password) =>
        server.CreateAnonymousClient().PostJsonAsync("api/v2/auth/login",
            $$"""{"username":"{{username}}","password":"{{password}}"}""");

    [Fact]
    public async Task FirstStart_WritesTheAdminPasswordToAnOwnerOnlyFile_AndTheAdminMustChangeIt()
    {
        var file = Path.Combine(server.DataDirectory, SecurityBootstrap.InitialPasswordFile);
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var initial = (await File.ReadAllTextAsync(file)).Trim();

        using var login = await LoginAsync("admin", initial);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.ReadJsonAsync();
        Assert.Equal("Bearer", tokens.Str("token_type"));
        Assert.Equal(900, tokens.GetProperty("expires_in").GetInt32());
        var admin = server.CreateClient(tokens.Str("access_token"));

        // Until the password is changed only /auth/me, /auth/password and /auth/logout answer.
        await (await admin.GetAsync("api/v2/workflows")).AssertProblemAsync(403);
        Assert.Equal("admin", (await admin.GetJsonAsync("api/v2/auth/me")).Str("username"));
        using var changed = await admin.PostJsonAsync("api/v2/auth/password",
            $$"""{"current_password":"{{initial}}","new_password":"{{Password}}"}""");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var fresh = server.CreateClient((await changed.ReadJsonAsync()).Str("access_token"));
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("api/v2/workflows")).StatusCode);
        using var old = await LoginAsync("admin", initial);
        await old.AssertProblemAsync(401);
    }

    [Fact]
    public async Task Login_WrongOrUnknown_Is401WithTheSameAnswer()
    {
        var user = await CreateUserWithPasswordAsync();

        using var wrong = await LoginAsync(user.Username, "not the password at all");
        using var unknown = await LoginAsync("nobody-" + Guid.NewGuid().ToString("N")[..8], Password);

        var a = await wrong.AssertProblemAsync(401);
        var b = await unknown.AssertProblemAsync(401);
        Assert.Equal(a.Str("detail"), b.Str("detail"));
    }

    [Fact]
    public async Task Login_FiveFailures_LocksTheUser423WithRetryAfter_EvenForTheRightPassword()
    {
        var user = await CreateUserWithPasswordAsync();
        for (var i = 0; i < 4; i++) await (await LoginAsync(user.Username, "wrong password " + i)).AssertProblemAsync(401);

        using var fifth = await LoginAsync(user.Username, "wrong password 5");
        using var right = await LoginAsync(user.Username, Password);

        await fifth.AssertProblemAsync(423);
        await right.AssertProblemAsync(423);
        Assert.InRange(right.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 800, 900);
        await server.Services.GetRequiredService<SecurityLogWriter>().FlushAsync();
        var events = await server.Services.GetRequiredService<ISecurityLogStore>().QuerySecurityEventsAsync(
            new SecurityEventQuery("default", SecurityEventKinds.Lockout, Limit: 1000));
        Assert.Contains(events.Items, e => e.Actor == user.Username);
    }

    [Fact]
    public async Task Refresh_Rotates_AndReusingAnOldTokenRevokesTheWholeSession()
    {
        var user = await CreateUserWithPasswordAsync();
        using var login = await LoginAsync(user.Username, Password);
        var first = (await login.ReadJsonAsync()).Str("refresh_token");
        var anonymous = server.CreateAnonymousClient();

        using var rotated = await anonymous.PostJsonAsync("api/v2/auth/refresh", $$"""{"refresh_token":"{{first}}"}""");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = (await rotated.ReadJsonAsync()).Str("refresh_token");
        Assert.NotEqual(first, second);

        using var reuse = await anonymous.PostJsonAsync("api/v2/auth/refresh", $$"""{"refresh_token":"{{first}}"}""");
        await reuse.AssertProblemAsync(401);
        // The stolen family is dead: the legitimate holder's newer token no longer works either.
        using var afterReuse = await anonymous.PostJsonAsync("api/v2/auth/refresh", $$"""{"refresh_token":"{{second}}"}""");
        await afterReuse.AssertProblemAsync(401);
        await server.Services.GetRequiredService<SecurityLogWriter>().FlushAsync();
        var events = await server.Services.GetRequiredService<ISecurityLogStore>().QuerySecurityEventsAsync(
            new SecurityEventQuery("default", SecurityEventKinds.RefreshTokenReuse, Limit: 1000));
        Assert.Contains(events.Items, e => e.Actor == user.Id.ToString("D"));
    }

    [Fact]
    public async Task Logout_EndsTheSession()
    {
        var user = await CreateUserWithPasswordAsync();
        using var login = await LoginAsync(user.Username, Password);
        var refresh = (await login.ReadJsonAsync()).Str("refresh_token");
        var anonymous = server.CreateAnonymousClient();

        using var logout = await anonymous.PostJsonAsync("api/v2/auth/logout", $$"""{"refresh_token":"{{refresh}}"}""");
        using var after = await anonymous.PostJsonAsync("api/v2/auth/refresh", $$"""{"refresh_token":"{{refresh}}"}""");

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await after.AssertProblemAsync(401);
    }

    [Fact]
    public async Task Refresh_StoresOnlyAHash()
    {
        var user = await CreateUserWithPasswordAsync();
        using var login = await LoginAsync(user.Username, Password);
        var refresh = (await login.ReadJsonAsync()).Str("refresh_token");

        var store = server.Services.GetRequiredService<IIdentityStore>();
        Assert.Null(await store.FindRefreshTokenAsync(refresh));
        Assert.NotNull(await store.FindRefreshTokenAsync(ApiKeyFormat.Hash(refresh)));
        var raw = await File.ReadAllBytesAsync(Path.Combine(server.DataDirectory, "openclaw.db"));
        Assert.DoesNotContain(refresh, System.Text.Encoding.UTF8.GetString(raw));
        Assert.DoesNotContain(Password, System.Text.Encoding.UTF8.GetString(raw));
    }

    [Theory]
    [InlineData("{", "$")]
    [InlineData("[]", "$")]
    [InlineData("""{"username":"a"}""", "$.password")]
    [InlineData("""{"username":5,"password":"x"}""", "$.username")]
    [InlineData("""{"username":"a","password":"b","role":"admin"}""", "$.role")]
    public async Task Login_BadBody_IsAValidationProblemNamingTheField(string body, string field)
    {
        using var response = await server.CreateAnonymousClient().PostJsonAsync("api/v2/auth/login", body);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(field, problem.ErrorKeys());
    }

    [Fact]
    public async Task OAuthClientCredentials_IssuesAScopedToken_AndRefusesWrongSecretsTheRfcWay()
    {
        var secret = ApiKeyFormat.NewSecret(ApiKeyFormat.SecretPrefix);
        var clientId = "ci-" + Guid.NewGuid().ToString("N")[..10];
        await server.Services.GetRequiredService<IIdentityStore>().CreateOAuthClientAsync(new OAuthClientRecord(Guid.CreateVersion7(), "default", clientId,
            "ci", ApiKeyFormat.Hash(secret), Roles.Editor, [Permissions.WorkflowsRead, Permissions.ExecutionsRun], null, null, DateTimeOffset.UtcNow));
        var anonymous = server.CreateAnonymousClient();
        FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));

        using var ok = await anonymous.PostAsync("api/v2/oauth/token", Form(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret)));
        using var wrong = await anonymous.PostAsync("api/v2/oauth/token", Form(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", "ocs_nope")));
        using var grant = await anonymous.PostAsync("api/v2/oauth/token", Form(("grant_type", "password"), ("client_id", clientId), ("client_secret", secret)));
        using var scope = await anonymous.PostAsync("api/v2/oauth/token",
            Form(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret), ("scope", "users:manage")));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var token = await ok.ReadJsonAsync();
        Assert.Equal("executions:run workflows:read", token.Str("scope"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("invalid_client", (await wrong.ReadJsonAsync()).Str("error"));
        Assert.Equal("unsupported_grant_type", (await grant.ReadJsonAsync()).Str("error"));
        Assert.Equal("invalid_scope", (await scope.ReadJsonAsync()).Str("error"));

        var client = server.CreateClient(token.Str("access_token"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v2/workflows")).StatusCode);
        await (await client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(Definitions.NewId("oauth")))).AssertProblemAsync(403);
        Assert.Equal("client", (await client.GetJsonAsync("api/v2/auth/me")).Str("kind"));
    }
}
