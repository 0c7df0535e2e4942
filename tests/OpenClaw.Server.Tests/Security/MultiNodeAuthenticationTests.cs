using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Storage.Postgres;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Security;

/// <summary>Two API nodes on one PostgreSQL, no signing key configured: they share the key the first one stored.</summary>
public sealed class MultiNodeAuthenticationTests
{
    [PostgresFact]
    public async Task ATokenIssuedByOneNode_IsAcceptedByTheOther_AndLockoutAndRevocationAreShared()
    {
        var postgres = await PostgresTestServer.GetAsync();
        var (database, connectionString) = await postgres.CreateDatabaseAsync();
        var directories = new[] { TestServer.NewDataDirectory(), TestServer.NewDataDirectory() };
        string[] Node() => ["--OpenClaw:Storage", "postgres", "--OpenClaw:PostgresConnectionString", connectionString];
        var a = await TestServer.StartAsync(directories[0], Node());
        var b = await TestServer.StartAsync(directories[1], Node());
        try
        {
            // One admin for both (the first start that found no users made it), one initial-password file between them.
            var store = a.Services.GetRequiredService<IIdentityStore>();
            Assert.Equal(1, (await store.ListUsersAsync("default")).Count(u => u.Username == "admin"));
            var user = await a.CreateUserAsync("default", Roles.Editor);
            var hasher = a.Services.GetRequiredService<PasswordHasher<UserRecord>>();
            await store.UpdateUserAsync(user with { PasswordHash = hasher.HashPassword(user, "shared password 123") });

            using var login = await a.CreateAnonymousClient().PostJsonAsync("api/v2/auth/login",
                $$"""{"username":"{{user.Username}}","password":"shared password 123"}""");
            var tokens = await login.ReadJsonAsync();
            var onB = b.CreateClient(tokens.Str("access_token"));
            Assert.Equal(user.Username, (await onB.GetJsonAsync("api/v2/auth/me")).Str("username"));

            // A refresh token rotated on B cannot be replayed on A.
            var refresh = tokens.Str("refresh_token");
            using var rotated = await b.CreateAnonymousClient().PostJsonAsync("api/v2/auth/refresh", $$"""{"refresh_token":"{{refresh}}"}""");
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            await (await a.CreateAnonymousClient().PostJsonAsync("api/v2/auth/refresh", $$"""{"refresh_token":"{{refresh}}"}""")).AssertProblemAsync(401);

            // Failures counted on both nodes lock the user on both.
            for (var i = 0; i < 5; i++)
                (await (i % 2 == 0 ? a : b).CreateAnonymousClient().PostJsonAsync("api/v2/auth/login",
                    $$"""{"username":"{{user.Username}}","password":"wrong {{i}}"}""")).Dispose();
            await (await b.CreateAnonymousClient().PostJsonAsync("api/v2/auth/login",
                $$"""{"username":"{{user.Username}}","password":"shared password 123"}""")).AssertProblemAsync(423);

            // A key revoked on A stops working on B: B's cached copy is dropped by A's NOTIFY (see RevocationAcrossNodesTests).
            await b.Services.GetRequiredService<PostgresQueueListener>().WaitUntilListeningAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var admin = await a.CreateClientAsync(Roles.Admin);
            using var created = await admin.PostJsonAsync("api/v2/api-keys", """{"name":"shared","scopes":["workflows:read"]}""");
            var key = await created.ReadJsonAsync();
            var keyOnB = b.CreateClient(key.Str("key"));
            Assert.Equal(HttpStatusCode.OK, (await keyOnB.GetAsync("api/v2/workflows")).StatusCode);
            (await admin.DeleteAsync($"api/v2/api-keys/{key.GetProperty("api_key").Str("id")}")).Dispose();
            await Poll.UntilAsync(async () => (await keyOnB.GetAsync("api/v2/workflows")).StatusCode, s => s == HttpStatusCode.Unauthorized,
                timeout: TimeSpan.FromSeconds(5), what: "the key revoked on A to be refused on B");
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
            foreach (var directory in directories) TestServer.DeleteDirectory(directory);
            await postgres.DropDatabaseAsync(database);
        }
    }
}
