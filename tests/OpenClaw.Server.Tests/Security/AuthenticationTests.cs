using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Hosting;
using OpenClaw.Server.Security;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>Who may call: anonymous callers, access tokens, API keys, the first-start administrator, the startup check.</summary>
public sealed class AuthenticationTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task Anonymous_ProtectedEndpoint_Is401WithABearerChallenge()
    {
        using var response = await server.CreateAnonymousClient().GetAsync("api/v2/workflows");

        await response.AssertProblemAsync(401);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Theory]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer ock_unknown-key-0000000000000000000000000000")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task BadCredentials_Are401WithInvalidToken_AndASecurityEvent(string authorization)
    {
        using var client = server.CreateAnonymousClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.GetAsync("api/v2/workflows");

        await response.AssertProblemAsync(401);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        await server.Services.GetRequiredService<SecurityLogWriter>().FlushAsync();
        var events = await server.Services.GetRequiredService<ISecurityLogStore>().QuerySecurityEventsAsync(
            new SecurityEventQuery(null, SecurityEventKinds.InvalidCredentials, Limit: 1000));
        Assert.NotEmpty(events.Items);
    }

    [Fact]
    public async Task AnonymousEndpoints_AnswerWithoutCredentials_EvenWithABadOne()
    {
        using var client = server.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "garbage");

        using var live = await client.GetAsync("health/live");
        using var metrics = await client.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Fact]
    public async Task ApiKey_InXApiKeyHeader_Authenticates()
    {
        using var client = server.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("X-API-Key", TestServer.BootstrapApiKey);

        var me = await client.GetJsonAsync("api/v2/auth/me");

        Assert.Equal("bootstrap", me.Str("username"));
        Assert.Equal("api_key", me.Str("kind"));
        Assert.Equal("admin", me.Str("role"));
        Assert.Contains("tenants:manage", me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task ApiKey_NarrowedByScopes_GetsOnlyThose()
    {
        var client = await server.CreateApiKeyClientAsync(Permissions.WorkflowsRead);

        using var list = await client.GetAsync("api/v2/workflows");
        using var create = await client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(Definitions.NewId("scoped")));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var problem = await create.AssertProblemAsync(403);
        Assert.Contains("workflows:write", problem.Str("detail"));
    }

    [Fact]
    public async Task Viewer_WriteEndpoint_Is403_AndRecordsAPermissionDenial()
    {
        var viewer = await server.CreateClientAsync(Roles.Viewer);
        var id = Definitions.NewId("denied");

        using var response = await viewer.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id));

        await response.AssertProblemAsync(403);
        using var check = await server.Client.GetAsync($"api/v2/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, check.StatusCode);
        await server.Services.GetRequiredService<SecurityLogWriter>().FlushAsync();
        var events = await server.Services.GetRequiredService<ISecurityLogStore>().QuerySecurityEventsAsync(
            new SecurityEventQuery("default", SecurityEventKinds.PermissionDenied, Limit: 1000));
        Assert.Contains(events.Items, e => e.Detail.Contains("workflows:write", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherTenantsUser_GetsNotFound_ForThisTenantsWorkflow()
    {
        var id = Definitions.NewId("tenant");
        (await server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();
        var stranger = await server.CreateTenantClientAsync("tenant-b", Roles.Admin);

        using var get = await stranger.GetAsync($"api/v2/workflows/{id}");
        using var delete = await stranger.DeleteAsync($"api/v2/workflows/{id}");
        var list = await stranger.GetJsonAsync("api/v2/workflows");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), w => w.Str("id") == id);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"api/v2/workflows/{id}")).StatusCode);
    }

    [Fact]
    public async Task ExpiredOrForeignSignedToken_Is401()
    {
        var tokens = server.Services.GetRequiredService<AccessTokens>();
        var user = await server.CreateUserAsync("default", Roles.Admin);
        var valid = tokens.ForUser("default", user.Id, user.Username, Roles.Admin, false, Guid.NewGuid()).AccessToken;
        var tampered = valid[..^4] + (valid.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        using var ok = await server.CreateClient(valid).GetAsync("api/v2/workflows");
        using var bad = await server.CreateClient(tampered).GetAsync("api/v2/workflows");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await bad.AssertProblemAsync(401);
    }

    [Fact]
    public async Task StartupCheck_RefusesAnEndpointWithoutADeclaration_NamingIt()
    {
        var unstarted = new TestServer();
        var app = OpenClawServer.Build([.. unstarted.Args]);
        app.MapGet("/api/v2/unprotected-thing", () => "hi");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
            Assert.Contains("GET /api/v2/unprotected-thing", error.Message);
            Assert.Contains(".RequirePermission", error.Message);
        }
        finally
        {
            await app.DisposeAsync();
            TestServer.DeleteDirectory(unstarted.DataDirectory);
        }
    }
}
