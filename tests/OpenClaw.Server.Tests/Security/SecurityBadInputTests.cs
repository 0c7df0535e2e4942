using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>
/// Bad input to every write endpoint of users, keys, clients, tenants, shares and sessions (and the execution start):
/// malformed JSON, wrong types, unknown fields, injection strings, oversized bodies. Each gets an RFC 7807 answer naming
/// the field at fault, and nothing is stored.
/// </summary>
public sealed class SecurityBadInputTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Injection = "x'; DROP TABLE users; --";

    /// <summary>Write endpoints with a JSON body; <c>{wf}</c> and <c>{user}</c> are filled in per test.</summary>
    public static TheoryData<string, string> Endpoints => new()
    {
        { "POST", "users" },
        { "PATCH", "users/{user}" },
        { "POST", "api-keys" },
        { "POST", "oauth-clients" },
        { "POST", "tenants" },
        { "PATCH", "tenants/default" },
        { "PUT", "workflows/{wf}/shares" },
        { "POST", "auth/login" },
        { "POST", "auth/refresh" },
        { "POST", "auth/logout" },
        { "POST", "auth/password" },
        { "POST", "workflows/{wf}/executions" },
    };

    /// <summary>Per endpoint: a body with one bad field, and that field's path.</summary>
    public static TheoryData<string, string, string, string> BadFields => new()
    {
        { "POST", "users", """{"username":"x'; DROP TABLE users; --","password":"a long enough password"}""", "$.username" },
        { "POST", "users", """{"username":"ok","password":12345678901}""", "$.password" },
        { "POST", "users", """{"username":"ok","password":"short"}""", "$.password" },
        { "POST", "users", """{"username":"ok","password":"a long enough password","role":"root"}""", "$.role" },
        { "POST", "users", """{"username":"ok","password":"a long enough password","is_admin":true}""", "$.is_admin" },
        { "POST", "users", """{"username":"ok","password":"a long enough password","email":"<script>"}""", "$.email" },
        { "PATCH", "users/{user}", """{"is_active":"yes"}""", "$.is_active" },
        { "PATCH", "users/{user}", """{"role":"superuser"}""", "$.role" },
        { "PATCH", "users/{user}", """{"username":"renamed"}""", "$.username" },
        { "POST", "api-keys", """{"name":"k","scopes":"workflows:read"}""", "$.scopes" },
        { "POST", "api-keys", """{"name":"k","scopes":["workflows:read","root:all"]}""", "$.scopes[1]" },
        { "POST", "api-keys", """{"name":"k","scopes":[],"expires_at":"tomorrow"}""", "$.expires_at" },
        { "POST", "api-keys", """{"name":"k","scopes":["*"],"expires_at":"2000-01-01T00:00:00Z"}""", "$.expires_at" },
        { "POST", "oauth-clients", """{"name":"c","scopes":[1]}""", "$.scopes[0]" },
        { "POST", "oauth-clients", """{"name":"c","scopes":["*"],"role":"owner"}""", "$.role" },
        { "POST", "tenants", """{"id":"../../etc","name":"x"}""", "$.id" },
        { "POST", "tenants", """{"id":"x'; DROP TABLE tenants; --","name":"x"}""", "$.id" },
        { "POST", "tenants", """{"id":"ok-tenant","name":"x","max_workflows":-1}""", "$.max_workflows" },
        { "POST", "tenants", """{"id":"ok-tenant","name":"x","requests_per_minute":1.5}""", "$.requests_per_minute" },
        { "POST", "tenants", """{"id":"ok-tenant","name":"x","admin_username":"boss"}""", "$.admin_password" },
        { "PATCH", "tenants/default", """{"max_executions_per_day":"many"}""", "$.max_executions_per_day" },
        { "PATCH", "tenants/default", """{"id":"renamed"}""", "$.id" },
        { "PUT", "workflows/{wf}/shares", """{"principal_type":"group","principal_id":"g","permission":"read"}""", "$.principal_type" },
        { "PUT", "workflows/{wf}/shares", """{"principal_type":"user","principal_id":"' OR 1=1 --","permission":"read"}""", "$.principal_id" },
        { "PUT", "workflows/{wf}/shares", """{"principal_type":"role","principal_id":"viewer","permission":"own"}""", "$.permission" },
        { "POST", "auth/login", """{"username":["admin"],"password":"x"}""", "$.username" },
        { "POST", "auth/refresh", """{"refresh_token":null}""", "$.refresh_token" },
        { "POST", "auth/logout", """{"refresh_token":"","extra":1}""", "$.extra" },
        { "POST", "auth/password", """{"current_password":"x","new_password":"aaaaaaaaaaaa"}""", "$.new_password" },
        { "POST", "workflows/{wf}/executions", """{"inputs":[],"priority":"urgent"}""", "$.inputs" },
    };

    private async Task<(string Workflow, Guid User)> FixtureAsync()
    {
        var workflow = Definitions.NewId("bad");
        (await server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(workflow))).Dispose();
        var user = await server.CreateUserAsync("default", Core.Storage.Roles.Viewer);
        return (workflow, user.Id);
    }

    private static string Fill(string path, (string Workflow, Guid User) f) => path.Replace("{wf}", f.Workflow).Replace("{user}", f.User.ToString());

    /// <summary>A user client (password change needs a user caller) of the default tenant, admin.</summary>
    private Task<HttpClient> AdminUserAsync() => server.CreateClientAsync(Core.Storage.Roles.Admin);

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "api/v2/" + path) { Content = content };
        return await client.SendAsync(request);
    }

    /// <summary>A fingerprint of everything these endpoints could store, to show a refused request stored nothing.</summary>
    private async Task<string> StoredAsync(string workflowId)
    {
        var identities = server.Services.GetRequiredService<IIdentityStore>();
        var shares = server.Services.GetRequiredService<IWorkflowShareStore>();
        var audit = await server.Services.GetRequiredService<ISecurityLogStore>().QueryAuditAsync(new AuditQuery("default", Limit: 1000));
        var executions = await server.Services.GetRequiredService<IExecutionQueries>().ListAsync(new ExecutionQuery("default", workflowId, Limit: 100));
        return JsonSerializer.Serialize(new
        {
            users = (await identities.ListUsersAsync("default")).Select(u => (u.Username, u.Role, u.Email, u.IsActive, u.UpdatedAt)).ToList(),
            tenants = (await identities.ListTenantsAsync()).Select(t => (t.Id, t.Name, t.MaxWorkflows, t.MaxExecutionsPerDay)).ToList(),
            keys = (await identities.ListApiKeysAsync("default")).Count,
            clients = (await identities.ListOAuthClientsAsync("default")).Count,
            shares = (await shares.ListSharesAsync("default", workflowId)).Count,
            audit = audit.Items.Count,
            executions = executions.Items.Count,
        });
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task MalformedJsonOrANonObject_IsAProblemAtTheRoot_AndStoresNothing(string method, string path)
    {
        var f = await FixtureAsync();
        var client = await AdminUserAsync();
        var before = await StoredAsync(f.Workflow);

        foreach (var body in new[] { "{\"username\": ", "[1, 2]", "\"text\"", "{'single': 'quotes'}" })
        {
            using var response = await SendAsync(client, method, Fill(path, f), HttpJson.Json(body));
            var problem = await response.AssertProblemAsync(400);
            Assert.Contains("$", problem.ErrorKeys());
        }

        Assert.Equal(before, await StoredAsync(f.Workflow));
    }

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task ABadField_IsAProblemNamingIt_AndStoresNothing(string method, string path, string body, string field)
    {
        var f = await FixtureAsync();
        var client = await AdminUserAsync();
        var before = await StoredAsync(f.Workflow);

        using var response = await SendAsync(client, method, Fill(path, f), HttpJson.Json(body));

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(field, problem.ErrorKeys());
        Assert.Equal(before, await StoredAsync(f.Workflow));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AnOversizedBody_Is413_AndStoresNothing(string method, string path)
    {
        var f = await FixtureAsync();
        var client = await AdminUserAsync();
        var before = await StoredAsync(f.Workflow);
        var huge = "{\"name\":\"" + new string('a', (int)TestServer.MaxRequestBodyBytes + 10) + "\"}";

        using var response = await SendAsync(client, method, Fill(path, f), new StringContent(huge, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(413);
        Assert.Equal(before, await StoredAsync(f.Workflow));
    }

    [Theory]
    [InlineData("audit?actor=' OR 1=1 --")]
    [InlineData("audit?resource_type=workflow'); DELETE FROM audit_records; --")]
    [InlineData("security/events?kind=' OR ''='")]
    public async Task InjectionInQueryFilters_MatchesNothing(string path)
    {
        using var response = await server.Client.GetAsync("api/v2/" + path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var items = body.TryGetProperty("items", out var i) ? i : body.GetProperty("events");
        Assert.Equal(0, items.GetArrayLength());
    }

    [Theory]
    [InlineData("audit?limit=0", "limit")]
    [InlineData("audit?limit=abc", "limit")]
    [InlineData("audit?since=yesterday", "since")]
    [InlineData("audit?cursor=not-a-cursor", "cursor")]
    [InlineData("security/events?limit=100000", "limit")]
    public async Task BadQueryParameters_AreProblemsNamingThem(string path, string field)
    {
        using var response = await server.Client.GetAsync("api/v2/" + path);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(field, problem.ErrorKeys());
    }

    [Theory]
    [InlineData("users/not-a-guid")]
    [InlineData("users/' OR 1=1 --")]
    [InlineData("tenants/..%2F..%2Fetc")]
    [InlineData("api-keys/' OR 1=1 --")]
    public async Task InjectionInIds_IsNotFound(string path)
    {
        using var response = await server.Client.GetAsync("api/v2/" + path);
        using var delete = await server.Client.DeleteAsync("api/v2/" + path);

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"GET {path}: {(int)response.StatusCode}");
        Assert.True(delete.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"DELETE {path}: {(int)delete.StatusCode}");
    }
}
