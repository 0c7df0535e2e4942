using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Api;
using OpenClaw.Server.Security;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>
/// The authorisation matrix: every endpoint the app maps (every API version, plus the root endpoints) is called by
/// every kind of caller, and the status must be what the endpoint's declaration and the role matrix say: 401 for
/// anonymous callers of a protected endpoint, 403 without the permission (role or key scope), 404 for another tenant's
/// resource, and otherwise an answer from the endpoint itself (2xx, or a validation answer for the sample request).
/// </summary>
/// <remarks>
/// An endpoint without a row in <see cref="Rows"/> fails the test, naming the row to add: a new endpoint cannot ship
/// untested. A row is the endpoint's template without the version prefix and a sample request.
/// </remarks>
public sealed class AuthorizationMatrixTests(TestServer server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TestServer>
{
    private const string OtherTenant = "matrix-other";

    /// <summary>What a sample request needs: things of the default tenant made before the run.</summary>
    private sealed record Fixture(TestServer Server, string WorkflowId, Guid ExecutionId, Guid UserId);

    /// <summary>A request to send; <see cref="Path"/> has no leading slash and no version (<c>workflows/x</c>).</summary>
    private sealed record Sample(string Path, Func<HttpContent?>? Body = null);

    /// <param name="Key">"METHOD /template" without the version prefix, as <see cref="Describe"/> prints it.</param>
    /// <param name="Make">The request; may create what it consumes (a workflow to delete), once per call.</param>
    /// <param name="Resource">The request names one resource of the default tenant: another tenant's caller must get 404.</param>
    /// <param name="Allowed">Statuses a permitted caller may get for this sample (default: 2xx, 400, 409, 422).</param>
    private sealed record Row(string Key, Func<Fixture, Task<Sample>> Make, bool Resource = false, int[]? Allowed = null);

    private static Task<Sample> At(string path, Func<HttpContent?>? body = null) => Task.FromResult(new Sample(path, body));

    private static Func<HttpContent?> Json(string json) => () => new StringContent(json, Encoding.UTF8, "application/json");

    private static Func<HttpContent?> Json(Func<string> json) => () => new StringContent(json(), Encoding.UTF8, "application/json");

    private static readonly int[] Missing = [200, 201, 202, 204, 400, 404, 409, 422];

    /// <summary>One row per endpoint. Add yours here; the failure message prints the line to start from.</summary>
    private static readonly Row[] Rows =
    [
        // Root endpoints (no version).
        new("GET /health/live", _ => At("health/live")),
        new("GET /health/ready", _ => At("health/ready")),
        new("GET /metrics", _ => At("metrics")),

        // Workflows.
        new("POST /workflows", _ => At("workflows", Json(() => Definitions.HelloJson(Definitions.NewId("mx"))))),
        new("POST /workflows/validate", _ => At("workflows/validate", Json(Definitions.HelloJson("mx-validate")))),
        new("GET /workflows", _ => At("workflows")),
        new("GET /workflows/{id}", f => At($"workflows/{f.WorkflowId}"), Resource: true),
        new("PUT /workflows/{id}", f => At($"workflows/{f.WorkflowId}", Json(Definitions.HelloJson(f.WorkflowId))), Resource: true),
        new("DELETE /workflows/{id}", async f => new Sample($"workflows/{await NewWorkflowAsync(f)}"), Resource: true),
        new("GET /workflows/{id}/shares", f => At($"workflows/{f.WorkflowId}/shares"), Resource: true),
        new("PUT /workflows/{id}/shares", f => At($"workflows/{f.WorkflowId}/shares",
            Json("""{"principal_type":"role","principal_id":"viewer","permission":"read"}""")), Resource: true),
        new("DELETE /workflows/{id}/shares/{principal_type}/{principal_id}", async f =>
        {
            var id = await NewWorkflowAsync(f);
            (await f.Server.Client.PutAsync($"api/v2/workflows/{id}/shares",
                new StringContent("""{"principal_type":"role","principal_id":"operator","permission":"run"}""", Encoding.UTF8, "application/json"))).Dispose();
            return new Sample($"workflows/{id}/shares/role/operator");
        }, Resource: true),

        // Executions.
        new("POST /workflows/{id}/executions", f => At($"workflows/{f.WorkflowId}/executions", Json("{}")), Resource: true),
        new("GET /executions", _ => At("executions")),
        new("GET /executions/{id:guid}", f => At($"executions/{f.ExecutionId}"), Resource: true),
        new("POST /executions/{id:guid}/cancel", f => At($"executions/{f.ExecutionId}/cancel"), Resource: true),
        new("POST /executions/{id:guid}/retry", f => At($"executions/{f.ExecutionId}/retry", Json("{}")), Resource: true),

        // Scheduler: queues (a queue of its own, so pausing it stops nothing else), dead letters, schedules.
        new("GET /queues", _ => At("queues")),
        new("GET /queues/stats", _ => At("queues/stats")),
        new("POST /queues/{name}/pause", _ => At("queues/mx-matrix/pause")),
        new("POST /queues/{name}/resume", _ => At("queues/mx-matrix/resume")),
        new("GET /queues/failed", _ => At("queues/failed")),
        new("GET /queues/failed/{taskId:guid}", _ => At($"queues/failed/{Guid.NewGuid()}"), Allowed: Missing),
        new("POST /queues/failed/{taskId:guid}/requeue", _ => At($"queues/failed/{Guid.NewGuid()}/requeue", Json("{}")), Allowed: Missing),
        new("DELETE /queues/failed/{taskId:guid}", _ => At($"queues/failed/{Guid.NewGuid()}"), Allowed: Missing),
        new("GET /schedules", _ => At("schedules")),
        new("POST /schedules", f => At("schedules", Json($$"""{"workflow_id":"{{f.WorkflowId}}","cron":"0 9 * * *"}"""))),
        new("GET /schedules/{id:guid}", async f => new Sample($"schedules/{await NewScheduleAsync(f)}"), Resource: true),
        new("PUT /schedules/{id:guid}", async f => new Sample($"schedules/{await NewScheduleAsync(f)}", Json("""{"cron":"0 10 * * *"}""")), Resource: true),
        new("DELETE /schedules/{id:guid}", async f => new Sample($"schedules/{await NewScheduleAsync(f)}"), Resource: true),
        new("POST /schedules/{id:guid}/pause", async f => new Sample($"schedules/{await NewScheduleAsync(f)}/pause"), Resource: true),
        new("POST /schedules/{id:guid}/resume", async f => new Sample($"schedules/{await NewScheduleAsync(f)}/resume"), Resource: true),

        // Plugins and the marketplace: installation-wide, not per tenant (see docs/security.md), so no 404 row.
        new("GET /plugins", _ => At("plugins")),
        new("GET /plugins/{name}/{version}", _ => At("plugins/log/1.0.0"), Allowed: Missing),
        new("POST /plugins", _ => At("plugins", () => new ByteArrayContent([1, 2, 3])), Allowed: [400, 415]),
        new("POST /plugins/validate", _ => At("plugins/validate", () => new ByteArrayContent([1, 2, 3])), Allowed: [200, 400, 415]),
        new("POST /plugins/{name}/upgrade", _ => At("plugins/nothing/upgrade", () => new ByteArrayContent([1, 2, 3])), Allowed: [400, 404, 415]),
        new("POST /plugins/{name}/{version}/enable", _ => At("plugins/nothing/1.0.0/enable"), Allowed: Missing),
        new("POST /plugins/{name}/{version}/disable", _ => At("plugins/nothing/1.0.0/disable"), Allowed: Missing),
        new("DELETE /plugins/{name}/{version}", _ => At("plugins/nothing/1.0.0"), Allowed: Missing),
        new("GET /marketplace/plugins", _ => At("marketplace/plugins")),
        new("GET /marketplace/plugins/{name}/{version}/package", _ => At("marketplace/plugins/nothing/1.0.0/package"), Allowed: Missing),
        new("GET /marketplace/plugins/{name}/plan", _ => At("marketplace/plugins/nothing/plan"), Allowed: Missing),
        new("POST /marketplace/plugins/{name}/install", _ => At("marketplace/plugins/nothing/install"), Allowed: Missing),

        // Authentication (the sample bodies are incomplete: a validation answer proves the endpoint was reached).
        new("POST /auth/login", _ => At("auth/login", Json("{}"))),
        new("POST /auth/refresh", _ => At("auth/refresh", Json("{}"))),
        new("POST /auth/logout", _ => At("auth/logout", Json("{}"))),
        new("GET /auth/me", _ => At("auth/me")),
        new("POST /auth/password", _ => At("auth/password", Json("{}"))),
        new("POST /auth/logout-all", _ => At("auth/logout-all")),
        new("POST /oauth/token", _ => At("oauth/token", () => new FormUrlEncodedContent([]))),

        // Users, roles, keys, clients, tenants.
        new("POST /users", _ => At("users", Json(() => $$"""{"username":"mx-{{Guid.NewGuid():N}}","password":"a long enough password","role":"viewer"}"""))),
        new("GET /users", _ => At("users")),
        new("GET /users/{id}", f => At($"users/{f.UserId}"), Resource: true),
        new("PATCH /users/{id}", f => At($"users/{f.UserId}", Json("""{"must_change_password":false}""")), Resource: true),
        new("DELETE /users/{id}/sessions", f => At($"users/{f.UserId}/sessions"), Resource: true),
        new("DELETE /users/{id}", async f => new Sample($"users/{(await f.Server.CreateUserAsync("default", Roles.Viewer)).Id}"), Resource: true),
        new("GET /roles", _ => At("roles")),
        new("POST /api-keys", _ => At("api-keys", Json("{}"))),
        new("GET /api-keys", _ => At("api-keys")),
        new("DELETE /api-keys/{id}", _ => At($"api-keys/{Guid.NewGuid()}"), Allowed: [204, 404]),
        new("POST /oauth-clients", _ => At("oauth-clients", Json("""{"name":"mx","scopes":["workflows:read"]}"""))),
        new("GET /oauth-clients", _ => At("oauth-clients")),
        new("DELETE /oauth-clients/{id}", async f =>
        {
            var client = await f.Server.Services.GetRequiredService<IIdentityStore>().CreateOAuthClientAsync(new OAuthClientRecord(Guid.NewGuid(), "default",
                "occ_mx_" + Guid.NewGuid().ToString("N"), "mx", "hash", Roles.Viewer, ["workflows:read"], null, null, DateTimeOffset.UtcNow));
            return new Sample($"oauth-clients/{client.Id}");
        }, Resource: true),
        new("POST /tenants", _ => At("tenants", Json(() => $$"""{"id":"mx-{{Guid.NewGuid():N}}","name":"Matrix"}"""))),
        new("GET /tenants", _ => At("tenants")),
        new("GET /tenants/{id}", _ => At("tenants/default")),
        new("PATCH /tenants/{id}", _ => At("tenants/default", Json("""{"name":"Default"}"""))),

        // Credentials, triggers, webhooks, manual runs, notifications.
        new("GET /credentials", _ => At("credentials")),
        new("GET /credentials/{id:guid}", async f => new Sample($"credentials/{await NewCredentialAsync(f)}"), Resource: true),
        new("POST /credentials", _ => At("credentials", Json(() => $$$"""{"name":"mx_{{{Guid.NewGuid():N}}}","type":"bearer","values":{"token":"mx-token"}}"""))),
        new("PUT /credentials/{id:guid}", async f => new Sample($"credentials/{await NewCredentialAsync(f)}", Json("""{"description":"mx"}""")), Resource: true),
        new("DELETE /credentials/{id:guid}", async f => new Sample($"credentials/{await NewCredentialAsync(f)}"), Resource: true),
        new("POST /credentials/reencrypt", _ => At("credentials/reencrypt")),
        new("GET /triggers", _ => At("triggers")),
        new("GET /triggers/{id:guid}", async f => new Sample($"triggers/{(await NewTriggerAsync(f)).Id}"), Resource: true),
        new("POST /triggers", f => At("triggers", Json($$"""{"workflow_id":"{{f.WorkflowId}}"}"""))),
        new("PUT /triggers/{id:guid}", async f => new Sample($"triggers/{(await NewTriggerAsync(f)).Id}", Json("""{"enabled":true}""")), Resource: true),
        new("DELETE /triggers/{id:guid}", async f => new Sample($"triggers/{(await NewTriggerAsync(f)).Id}"), Resource: true),
        new("POST /triggers/{id:guid}/rotate-path", async f => new Sample($"triggers/{(await NewTriggerAsync(f)).Id}/rotate-path"), Resource: true),
        new("POST /triggers/{id:guid}/rotate-secret", async f => new Sample($"triggers/{(await NewTriggerAsync(f)).Id}/rotate-secret"), Resource: true),
        new("POST /workflows/{id}/run", f => At($"workflows/{f.WorkflowId}/run", Json("{}")), Resource: true),
        new("POST /webhooks/{path}", async f => new Sample($"webhooks/{(await NewTriggerAsync(f)).Path}", Json("{}"))),
        new("GET /notifications/rules", _ => At("notifications/rules")),
        new("GET /notifications/rules/{id:guid}", async f => new Sample($"notifications/rules/{await NewRuleAsync(f)}"), Resource: true),
        new("POST /notifications/rules", _ => At("notifications/rules", Json("""{"name":"mx","events":["execution.failed"],"channel":"in_app"}"""))),
        new("PUT /notifications/rules/{id:guid}", async f => new Sample($"notifications/rules/{await NewRuleAsync(f)}", Json("""{"enabled":false}""")), Resource: true),
        new("DELETE /notifications/rules/{id:guid}", async f => new Sample($"notifications/rules/{await NewRuleAsync(f)}"), Resource: true),
        new("GET /notifications/deliveries", _ => At("notifications/deliveries")),
        new("GET /notifications/inbox", _ => At("notifications/inbox")),
        new("POST /notifications/inbox/{id:guid}/read", async f => new Sample($"notifications/inbox/{await NewInboxItemAsync(f)}/read"), Resource: true),

        // Audit.
        new("GET /audit", _ => At("audit")),
        new("GET /security/events", _ => At("security/events")),

        // OpenAPI (platform).
        new("GET /openapi/{documentName}.json", _ => At("openapi/v2.json")),

        // Workflow versions and live events (platform).
        new("GET /workflows/{id}/versions", f => At($"workflows/{f.WorkflowId}/versions"), Resource: true),
        new("GET /workflows/{id}/versions/{version:int}", f => At($"workflows/{f.WorkflowId}/versions/1"), Resource: true),
        new("POST /workflows/{id}/publish", f => At($"workflows/{f.WorkflowId}/publish", Json("""{"version":1}""")), Resource: true),
        new("GET /executions/{id:guid}/events", f => At($"executions/{f.ExecutionId}/events"), Resource: true),
        new("GET /executions/events", _ => At("executions/events")),
    ];

    /// <summary>A kind of caller and what it holds (null: anonymous).</summary>
    private sealed record CallerCase(string Name, HttpClient Client, IReadOnlySet<string>? Permissions, bool OtherTenant = false);

    [Fact]
    public async Task EveryEndpoint_ForEveryCaller_AnswersAsTheDeclarationAndRoleMatrixSay()
    {
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var rows = Rows.ToDictionary(r => r.Key);
        var problems = new List<string>();

        var undeclared = endpoints.Where(e => Declaration(e) is null).Select(Describe).ToList();
        foreach (var e in undeclared) problems.Add($"{e}: declares no permission; add .RequirePermission(Permissions.X), .RequireAuthenticated() or .AllowAnonymous().");
        var missing = endpoints.Select(e => (Endpoint: e, Key: Key(e))).Where(x => !rows.ContainsKey(x.Key)).Select(x => x.Key).Distinct().ToList();
        foreach (var key in missing)
            problems.Add($"{key}: no row in AuthorizationMatrixTests.Rows; add: new(\"{key}\", f => At(\"{SamplePath(key)}\")), with Resource: true if it names one resource.");
        var stale = rows.Keys.Where(k => endpoints.All(e => Key(e) != k)).ToList();
        foreach (var key in stale) problems.Add($"{key}: a row for an endpoint the app does not map; remove it.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        var fixture = await CreateFixtureAsync();
        var callers = await CreateCallersAsync();
        var keyClients = new Dictionary<string, HttpClient>();
        var sent = 0;
        var byStatus = new SortedDictionary<int, int>();
        foreach (var endpoint in endpoints.OrderBy(Describe, StringComparer.Ordinal))
        {
            var row = rows[Key(endpoint)];
            var declaration = Declaration(endpoint)!;
            var permission = declaration as string;
            var cases = new List<CallerCase>(callers);
            if (permission is not null)
            {
                cases.Add(new CallerCase($"key with {permission}", await KeyClientAsync(keyClients, permission), new HashSet<string> { permission }));
                var other = permission == Permissions.WorkflowsRead ? Permissions.ExecutionsRead : Permissions.WorkflowsRead;
                cases.Add(new CallerCase($"key with {other} only", await KeyClientAsync(keyClients, other), new HashSet<string> { other }));
            }
            int? anonymousAnswer = null;
            foreach (var caller in cases)
            {
                var sample = await row.Make(fixture);
                var status = await SendAsync(caller.Client, Method(endpoint), Url(endpoint, sample.Path), sample.Body?.Invoke());
                sent++;
                byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                var expected = Expect(declaration, permission, row, caller);
                if (declaration is IAllowAnonymous)
                {
                    // Anonymous endpoints answer the same whoever calls, and never 401/403.
                    anonymousAnswer ??= status;
                    if (status != anonymousAnswer || status is 401 or 403)
                        problems.Add($"{Describe(endpoint)} as {caller.Name}: {status}, expected {anonymousAnswer} (anonymous endpoints answer alike for everyone)");
                }
                else if (!expected.Contains(status))
                {
                    problems.Add($"{Describe(endpoint)} [{permission ?? "authenticated"}] as {caller.Name}: {status}, expected {string.Join("/", expected)}");
                }
            }
        }
        output.WriteLine($"{endpoints.Count} endpoints, {sent} requests; statuses: {string.Join(", ", byStatus.Select(p => $"{p.Key}x{p.Value}"))}");
        Assert.True(problems.Count == 0, $"{problems.Count} unexpected answer(s):\n" + string.Join("\n", problems));
        Assert.True(byStatus.GetValueOrDefault(401) > 0 && byStatus.GetValueOrDefault(403) > 0 && byStatus.GetValueOrDefault(404) > 0,
            "the matrix should have seen 401, 403 and 404 answers");
    }

    private static int[] Expect(object declaration, string? permission, Row row, CallerCase caller)
    {
        var allowed = row.Allowed ?? [200, 201, 202, 204, 400, 409, 422];
        if (caller.Permissions is null) return [401];
        if (declaration is AuthenticatedOnly) return allowed;
        if (!caller.Permissions.Contains(permission!)) return [403];
        if (caller.OtherTenant && row.Resource) return [404];
        return allowed;
    }

    private async Task<List<CallerCase>> CreateCallersAsync()
    {
        var list = new List<CallerCase> { new("anonymous", server.CreateAnonymousClient(), null) };
        foreach (var role in Roles.All)
            list.Add(new CallerCase(role, await server.CreateClientAsync(role), RolePermissions.For(role, "default")));
        list.Add(new CallerCase($"admin of {OtherTenant}", await server.CreateTenantClientAsync(OtherTenant, Roles.Admin),
            RolePermissions.For(Roles.Admin, OtherTenant), OtherTenant: true));
        return list;
    }

    private async Task<HttpClient> KeyClientAsync(Dictionary<string, HttpClient> cache, string scope)
    {
        if (!cache.TryGetValue(scope, out var client)) cache[scope] = client = await server.CreateApiKeyClientAsync(scope);
        return client;
    }

    private async Task<Fixture> CreateFixtureAsync()
    {
        var fixture = new Fixture(server, "", Guid.Empty, Guid.Empty);
        var workflowId = await NewWorkflowAsync(fixture);
        using var started = await server.Client.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", "{}");
        var executionId = (await started.ReadJsonAsync()).GetProperty("id").GetGuid();
        await Poll.UntilAsync(() => server.Client.GetJsonAsync($"api/v2/executions/{executionId}"), e => e.Str("status") == "succeeded",
            what: "the matrix's sample execution to finish");
        var user = await server.CreateUserAsync("default", Roles.Viewer);
        return fixture with { WorkflowId = workflowId, ExecutionId = executionId, UserId = user.Id };
    }

    private static async Task<string> NewWorkflowAsync(Fixture f)
    {
        var id = Definitions.NewId("mx");
        using var created = await f.Server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return id;
    }

    private static async Task<string> NewScheduleAsync(Fixture f)
    {
        using var created = await f.Server.Client.PostJsonAsync("api/v2/schedules", $$"""{"workflow_id":"{{f.WorkflowId}}","cron":"0 9 * * *"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadJsonAsync()).Str("id");
    }

    private static async Task<string> NewCredentialAsync(Fixture f)
    {
        using var created = await f.Server.Client.PostJsonAsync("api/v2/credentials", $$$"""{"name":"mx_{{{Guid.NewGuid():N}}}","type":"bearer","values":{"token":"mx-token"}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadJsonAsync()).Str("id");
    }

    private static async Task<(string Id, string Path)> NewTriggerAsync(Fixture f)
    {
        using var created = await f.Server.Client.PostJsonAsync("api/v2/triggers", $$"""{"workflow_id":"{{f.WorkflowId}}"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        return (body.Str("id"), body.Str("path"));
    }

    private static async Task<string> NewRuleAsync(Fixture f)
    {
        using var created = await f.Server.Client.PostJsonAsync("api/v2/notifications/rules", """{"name":"mx","events":["execution.failed"],"channel":"in_app"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadJsonAsync()).Str("id");
    }

    private static async Task<Guid> NewInboxItemAsync(Fixture f)
    {
        var item = new InboxItemRecord(Guid.NewGuid(), "default", Guid.NewGuid(), Guid.NewGuid(), "execution.failed", "mx", "{}", DateTimeOffset.UtcNow, null);
        await f.Server.Services.GetRequiredService<INotificationStore>().AddInboxItemAsync(item);
        return item.Id;
    }

    private static async Task<int> SendAsync(HttpClient client, string method, string url, HttpContent? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = body };
        // Headers only: the live-event endpoints stream until the client goes away.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (int)response.StatusCode;
    }

    /// <summary>The endpoint's declaration: a permission string, <see cref="AuthenticatedOnly"/>, <see cref="IAllowAnonymous"/>, or null.</summary>
    private static object? Declaration(RouteEndpoint e) =>
        (object?)e.Metadata.GetMetadata<RequiredPermission>()?.Permission ?? e.Metadata.GetMetadata<AuthenticatedOnly>() ??
        (object?)e.Metadata.GetMetadata<IAllowAnonymous>();

    private static string Method(RouteEndpoint e) =>
        e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods[0] : "GET";

    /// <summary>The route template, without a trailing slash (<c>MapGroup("/x").MapGet("/")</c> maps <c>/x/</c>).</summary>
    private static string Template(RouteEndpoint e)
    {
        var template = e.RoutePattern.RawText ?? "";
        return template.Length > 1 ? template.TrimEnd('/') : template;
    }

    /// <summary>The row key: method and template without the <c>/api/vN</c> prefix.</summary>
    private static string Key(RouteEndpoint e)
    {
        var template = Template(e);
        foreach (var version in ApiRoutes.Versions)
        {
            var prefix = $"/api/{version}";
            if (template.StartsWith(prefix + "/", StringComparison.Ordinal)) return $"{Method(e)} {template[prefix.Length..]}";
        }
        return $"{Method(e)} {template}";
    }

    private static string Describe(RouteEndpoint e) => $"{Method(e)} {Template(e)}";

    private static string Url(RouteEndpoint e, string path)
    {
        var template = Template(e);
        var version = ApiRoutes.Versions.FirstOrDefault(v => template.StartsWith($"/api/{v}/", StringComparison.Ordinal));
        return version is null ? path : $"api/{version}/{path}";
    }

    private static string SamplePath(string key) => key[(key.IndexOf(' ', StringComparison.Ordinal) + 2)..];
}
