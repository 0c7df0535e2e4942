using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Storage.Postgres;

namespace OpenClaw.Server.Tests.Security;

/// <summary>
/// Two API nodes on one PostgreSQL: a session ended or a key revoked on node A is refused by node B. With a shared Redis
/// the very next request on B answers 401; with each node's cache in process, B hears of it by PostgreSQL NOTIFY, which
/// is asynchronous by design (milliseconds; the test allows 5 seconds).
/// </summary>
public sealed class RevocationAcrossNodesTests
{
    private const string Password = "shared password 123";

    [PostgresFact]
    public async Task InProcessCaches_RevocationOnA_IsRefusedOnB_OnceTheNotifyArrives()
    {
        await TwoPostgresNodes.RunAsync([], async (a, b) =>
        {
            foreach (var node in (TestServer[])[a, b])
                await node.Services.GetRequiredService<PostgresQueueListener>().WaitUntilListeningAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await RevokeOnAAndExpectRefusalOnBAsync(a, b, async probe =>
                await Poll.UntilAsync(probe, s => s == HttpStatusCode.Unauthorized, timeout: TimeSpan.FromSeconds(5), what: "node B to refuse the revoked credential"));
        });
    }

    [PostgresRedisFact]
    public async Task SharedRedis_RevocationOnA_IsRefusedByTheVeryNextRequestOnB()
    {
        await using var redis = await RedisServer.StartAsync();
        await TwoPostgresNodes.RunAsync(["--OpenClaw:Cache:Redis", redis.Address], (a, b) => RevokeOnAAndExpectRefusalOnBAsync(a, b, async probe => Assert.Equal(HttpStatusCode.Unauthorized, await probe())));
    }

    private static async Task RevokeOnAAndExpectRefusalOnBAsync(TestServer a, TestServer b, Func<Func<Task<HttpStatusCode>>, Task> expectRefused)
    {
        // A user's token, used on B (so B has the session state cached), then logged out on A.
        var user = await a.CreateUserAsync("default", Roles.Editor);
        var hasher = a.Services.GetRequiredService<PasswordHasher<UserRecord>>();
        await a.Services.GetRequiredService<IIdentityStore>().UpdateUserAsync(user with { PasswordHash = hasher.HashPassword(user, Password) });
        using var login = await a.CreateAnonymousClient().PostJsonAsync("api/v2/auth/login", $$"""{"username":"{{user.Username}}","password":"{{Password}}"}""");
        var tokens = await login.ReadJsonAsync();
        var onB = b.CreateClient(tokens.Str("access_token"));
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("api/v2/workflows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("api/v2/workflows")).StatusCode);
        (await a.CreateAnonymousClient().PostJsonAsync("api/v2/auth/logout", $$"""{"refresh_token":"{{tokens.Str("refresh_token")}}"}""")).Dispose();
        await expectRefused(async () => (await onB.GetAsync("api/v2/workflows")).StatusCode);

        // A second session, its user deactivated on A.
        using var again = await a.CreateAnonymousClient().PostJsonAsync("api/v2/auth/login", $$"""{"username":"{{user.Username}}","password":"{{Password}}"}""");
        var second = b.CreateClient((await again.ReadJsonAsync()).Str("access_token"));
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("api/v2/workflows")).StatusCode);
        (await a.Client.PatchAsync($"api/v2/users/{user.Id}", HttpJson.Json("""{"is_active":false}"""))).Dispose();
        await expectRefused(async () => (await second.GetAsync("api/v2/workflows")).StatusCode);

        // An API key, cached on B by use, revoked on A.
        var admin = await a.CreateClientAsync(Roles.Admin);
        using var created = await admin.PostJsonAsync("api/v2/api-keys", """{"name":"shared","scopes":["workflows:read"]}""");
        var key = await created.ReadJsonAsync();
        var keyOnB = b.CreateClient(key.Str("key"));
        Assert.Equal(HttpStatusCode.OK, (await keyOnB.GetAsync("api/v2/workflows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyOnB.GetAsync("api/v2/workflows")).StatusCode);
        (await admin.DeleteAsync($"api/v2/api-keys/{key.GetProperty("api_key").Str("id")}")).Dispose();
        await expectRefused(async () => (await keyOnB.GetAsync("api/v2/workflows")).StatusCode);
    }
}
