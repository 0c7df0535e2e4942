using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Api;
using OpenClaw.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenClaw.Server.Tests;

/// <summary>
/// Bad input to every write endpoint the app maps (POST, PUT, PATCH, DELETE), taken from the running app's endpoint data
/// source: a JSON endpoint must answer malformed JSON, a non-object, an unknown field, a wrong content type (415), an
/// oversized body (413) and its own list of wrong types, missing fields and injection strings with an RFC 7807 problem
/// whose <c>errors</c> name the field at fault (its JSON path), and store nothing: the default tenant's audit trail (every
/// change writes a record) and the endpoint's own listing read the same afterwards.
/// </summary>
/// <remarks>
/// A write endpoint without a row here fails the test, naming the row to add: a new endpoint cannot ship without bad-input
/// cases. Endpoints that read no body say so (<see cref="NoBody"/>) and are sent junk to show it does them no harm;
/// endpoints whose body is not a JSON object (workflow definitions, plugin packages, the OAuth form, webhooks) have their
/// own checks here.
/// </remarks>
public sealed partial class WriteEndpointBadInputTests(TestServer server, ITestOutputHelper output) : IClassFixture<TestServer>
{
    private const string SqlInjection = "x'; DROP TABLE workflows; --";
    private const string Script = "<script>alert(1)</script>";
    private const string Traversal = "../../etc/passwd";
    private const string Control = @"bad\u0000name\u001b"; // JSON escapes: the parsed string holds NUL and ESC

    /// <summary>Things of the default tenant the requests aim at.</summary>
    private sealed record Fixture(TestServer Server, HttpClient Admin, string WorkflowId, Guid ExecutionId, Guid UserId);

    private abstract record Row(string Key);

    /// <summary>
    /// An endpoint reading a JSON object. <paramref name="Path"/> makes the target (no version prefix), <paramref name="Watch"/>
    /// is what must read the same after a refused request, and <paramref name="Cases"/> are bodies with one field at fault.
    /// </summary>
    private sealed record JsonRow(string Key, Func<Fixture, Task<string>> Path, Func<string, string> Watch, params (string Body, string Field)[] Cases) : Row(Key);

    /// <summary>An endpoint that reads no body (its target is in the path); <paramref name="Path"/> names a harmless target.</summary>
    private sealed record NoBody(string Key, Func<Fixture, Task<string>> Path) : Row(Key);

    /// <summary>An endpoint whose body is not a JSON object, checked by <paramref name="Check"/>.</summary>
    private sealed record Custom(string Key, Func<Fixture, Task> Check) : Row(Key);

    private static Func<Fixture, Task<string>> At(string path) => _ => Task.FromResult(path);

    private static Func<Fixture, Task<string>> At(Func<Fixture, string> path) => f => Task.FromResult(path(f));

    /// <summary>Every write endpoint, keyed "METHOD /template" without the version prefix.</summary>
    private static readonly Row[] Rows =
    [
        // Workflows: definitions are JSON or YAML documents, parsed and validated by the definition parser.
        new Custom("POST /workflows", f => DefinitionChecksAsync(f, HttpMethod.Post, "workflows")),
        new Custom("PUT /workflows/{id}", f => DefinitionChecksAsync(f, HttpMethod.Put, $"workflows/{f.WorkflowId}")),
        new Custom("POST /workflows/validate", ValidateChecksAsync),
        new NoBody("DELETE /workflows/{id}", At("workflows/no-such-workflow")),
        new JsonRow("PUT /workflows/{id}/shares", At(f => $"workflows/{f.WorkflowId}/shares"), p => p,
            ("""{"principal_type":"group","principal_id":"g","permission":"read"}""", "$.principal_type"),
            ("""{"principal_type":"user","principal_id":"' OR 1=1 --","permission":"read"}""", "$.principal_id"),
            ("""{"principal_type":"role","principal_id":"viewer","permission":"own"}""", "$.permission"),
            ("""{"principal_type":"role","permission":"read"}""", "$.principal_id"),
            ("""{"principal_type":"role","principal_id":["viewer"],"permission":"read"}""", "$.principal_id")),
        new NoBody("DELETE /workflows/{id}/shares/{principal_type}/{principal_id}", At(f => $"workflows/{f.WorkflowId}/shares/role/nobody")),
        new JsonRow("POST /workflows/{id}/publish", At(f => $"workflows/{f.WorkflowId}/publish"), p => p.Replace("/publish", "/versions"),
            ("{}", "$.version"),
            ("""{"version":"1"}""", "$.version"),
            ("""{"version":0}""", "$.version"),
            ("""{"version":1.5}""", "$.version"),
            ("""{"version":99}""", "$.version"),
            ("""{"version":null}""", "$.version")),

        // Executions.
        new JsonRow("POST /workflows/{id}/executions", At(f => $"workflows/{f.WorkflowId}/executions"), _ => "executions?limit=500",
            ("""{"inputs":[]}""", "$.inputs"),
            ("""{"inputs":"who=ada"}""", "$.inputs"),
            ("""{"version":"1"}""", "$.version"),
            ("""{"version":0}""", "$.version"),
            ("""{"priority":"urgent"}""", "$.priority"),
            ("""{"priority":"1"}""", "$.priority"),
            ("""{"priority":"high\u0000"}""", "$.priority")),
        new JsonRow("POST /workflows/{id}/run", At(f => $"workflows/{f.WorkflowId}/run"), _ => "executions?limit=500",
            ("""{"inputs":[1]}""", "$.inputs"),
            ("""{"priority":5}""", "$.priority")),
        new NoBody("POST /executions/{id:guid}/cancel", At(f => $"executions/{f.ExecutionId}/cancel")),
        new JsonRow("POST /executions/{id:guid}/retry", At(f => $"executions/{f.ExecutionId}/retry"), _ => "executions?limit=500",
            ("""{"from":"middle"}""", "$.from"),
            ("""{"from":1}""", "$.from"),
            ($$"""{"from":"{{SqlInjection}}"}""", "$.from")),

        // Scheduler.
        new NoBody("POST /queues/{name}/pause", At("queues/bad-input-probe/pause")),
        new NoBody("POST /queues/{name}/resume", At("queues/bad-input-probe/resume")),
        new JsonRow("POST /queues/failed/{taskId:guid}/requeue", At(_ => $"queues/failed/{Guid.NewGuid()}/requeue"), _ => "queues/failed",
            ("""{"inputs":"x"}""", "$.inputs"),
            ("""{"inputs":[{"a":1}]}""", "$.inputs")),
        new NoBody("DELETE /queues/failed/{taskId:guid}", At(_ => $"queues/failed/{Guid.NewGuid()}")),
        new JsonRow("POST /schedules", At("schedules"), _ => "schedules?limit=500",
            ("""{"workflow_id":"WF"}""", "$.cron"),
            ("""{"cron":"0 9 * * *"}""", "$.workflow_id"),
            ("""{"workflow_id":"WF","cron":"61 * * * *"}""", "$.cron"),
            ("""{"workflow_id":"WF","cron":5}""", "$.cron"),
            ($$"""{"workflow_id":"WF","cron":"0 9 * * *","time_zone":"{{Traversal}}"}""", "$.time_zone"),
            ("""{"workflow_id":"WF","cron":"0 9 * * *","priority":"urgent"}""", "$.priority"),
            ("""{"workflow_id":"WF","cron":"0 9 * * *","misfire_policy":"sometimes"}""", "$.misfire_policy"),
            ("""{"workflow_id":"WF","cron":"0 9 * * *","enabled":"yes"}""", "$.enabled"),
            ("""{"workflow_id":"WF","cron":"0 9 * * *","inputs":[]}""", "$.inputs"),
            ($$"""{"workflow_id":"{{SqlInjection}}","cron":"0 9 * * *"}""", "$.workflow_id"),
            ("""{"workflow_id":"WF","cron":"0 9 * * *\u0000"}""", "$.cron")),
        new JsonRow("PUT /schedules/{id:guid}", f => NewScheduleAsync(f), p => p,
            ("""{"cron":"every day"}""", "$.cron"),
            ("""{"enabled":1}""", "$.enabled"),
            ("""{"time_zone":"Mars/Olympus"}""", "$.time_zone"),
            ($$"""{"workflow_id":"{{Script}}"}""", "$.workflow_id")),
        new NoBody("DELETE /schedules/{id:guid}", At(_ => $"schedules/{Guid.NewGuid()}")),
        new NoBody("POST /schedules/{id:guid}/pause", At(_ => $"schedules/{Guid.NewGuid()}/pause")),
        new NoBody("POST /schedules/{id:guid}/resume", At(_ => $"schedules/{Guid.NewGuid()}/resume")),

        // Plugins and the marketplace: packages are zips (checked here and in PluginEndpointsTests); the rest take no body.
        new Custom("POST /plugins", f => PackageChecksAsync(f, "plugins")),
        new Custom("POST /plugins/validate", f => PackageChecksAsync(f, "plugins/validate")),
        new Custom("POST /plugins/{name}/upgrade", f => PackageChecksAsync(f, "plugins/log/upgrade")),
        new NoBody("POST /plugins/{name}/{version}/enable", At("plugins/no-such-plugin/1.0.0/enable")),
        new NoBody("POST /plugins/{name}/{version}/disable", At("plugins/no-such-plugin/1.0.0/disable")),
        new NoBody("DELETE /plugins/{name}/{version}", At("plugins/no-such-plugin/1.0.0")),
        new NoBody("POST /marketplace/plugins/{name}/install", At("marketplace/plugins/no-such-plugin/install")),

        // Authentication.
        new JsonRow("POST /auth/login", At("auth/login"), _ => "users",
            ("""{"username":["admin"],"password":"x"}""", "$.username"),
            ("""{"username":"admin"}""", "$.password"),
            ("""{"username":"admin\u0000","password":"x"}""", "$.username"),
            ("""{"username":"admin","password":"x","tenant":7}""", "$.tenant")),
        new JsonRow("POST /auth/refresh", At("auth/refresh"), _ => "users",
            ("""{"refresh_token":null}""", "$.refresh_token"),
            ("""{"refresh_token":42}""", "$.refresh_token")),
        new JsonRow("POST /auth/logout", At("auth/logout"), _ => "users",
            ("""{"refresh_token":""}""", "$.refresh_token"),
            ("""{"refresh_token":["a"]}""", "$.refresh_token")),
        new NoBody("POST /auth/logout-all", At("auth/logout-all")),
        new JsonRow("POST /auth/password", At("auth/password"), _ => "users",
            ("""{"current_password":"x","new_password":"aaaaaaaaaaaa"}""", "$.new_password"),
            ("""{"current_password":"x"}""", "$.new_password"),
            ("""{"current_password":1,"new_password":"a long enough password"}""", "$.current_password")),
        new Custom("POST /oauth/token", OAuthTokenChecksAsync),

        // Users, keys, clients, tenants.
        new JsonRow("POST /users", At("users"), _ => "users",
            ($$"""{"username":"{{SqlInjection}}","password":"a long enough password"}""", "$.username"),
            ($$"""{"username":"{{Traversal}}","password":"a long enough password"}""", "$.username"),
            ("""{"username":"ok-user","password":12345678901}""", "$.password"),
            ("""{"username":"ok-user","password":"short"}""", "$.password"),
            ("""{"username":"ok-user","password":"a long enough password","role":"root"}""", "$.role"),
            ($$"""{"username":"ok-user","password":"a long enough password","email":"{{Script}}"}""", "$.email"),
            ("""{"password":"a long enough password"}""", "$.username")),
        new JsonRow("PATCH /users/{id}", At(f => $"users/{f.UserId}"), p => p,
            ("""{"is_active":"yes"}""", "$.is_active"),
            ("""{"role":"superuser"}""", "$.role"),
            ("""{"username":"renamed"}""", "$.username"),
            ("""{"email":"a@b.c\u0000"}""", "$.email")),
        new NoBody("DELETE /users/{id}", At(_ => $"users/{Guid.NewGuid()}")),
        new NoBody("DELETE /users/{id}/sessions", At(_ => $"users/{Guid.NewGuid()}/sessions")),
        new JsonRow("POST /api-keys", At("api-keys"), _ => "api-keys",
            ("""{"name":"k","scopes":"workflows:read"}""", "$.scopes"),
            ("""{"name":"k","scopes":["workflows:read","root:all"]}""", "$.scopes[1]"),
            ("""{"name":"k","scopes":["*"],"expires_at":"tomorrow"}""", "$.expires_at"),
            ($$"""{"name":"{{Control}}","scopes":["*"]}""", "$.name"),
            ("""{"scopes":["*"]}""", "$.name")),
        new NoBody("DELETE /api-keys/{id}", At(_ => $"api-keys/{Guid.NewGuid()}")),
        new JsonRow("POST /oauth-clients", At("oauth-clients"), _ => "oauth-clients",
            ("""{"name":"c","scopes":[1]}""", "$.scopes[0]"),
            ("""{"name":"c","scopes":["*"],"role":"owner"}""", "$.role"),
            ("""{"name":"c"}""", "$.scopes")),
        new NoBody("DELETE /oauth-clients/{id}", At(_ => $"oauth-clients/{Guid.NewGuid()}")),
        new JsonRow("POST /tenants", At("tenants"), _ => "tenants",
            ($$"""{"id":"{{Traversal}}","name":"x"}""", "$.id"),
            ($$"""{"id":"{{SqlInjection}}","name":"x"}""", "$.id"),
            ("""{"id":"ok-tenant","name":"x","max_workflows":-1}""", "$.max_workflows"),
            ("""{"id":"ok-tenant","name":"x","requests_per_minute":1.5}""", "$.requests_per_minute"),
            ("""{"id":"ok-tenant"}""", "$.name")),
        new JsonRow("PATCH /tenants/{id}", At("tenants/default"), p => p,
            ("""{"max_executions_per_day":"many"}""", "$.max_executions_per_day"),
            ("""{"id":"renamed"}""", "$.id"),
            ("""{"name":""}""", "$.name"),
            ($$"""{"name":"{{Control}}"}""", "$.name")),

        // Credentials, triggers, notifications.
        new JsonRow("POST /credentials", At("credentials"), _ => "credentials",
            ($$$"""{"name":"{{{Traversal}}}","type":"bearer","values":{"token":"t"}}""", "$.name"),
            ($$$"""{"name":"{{{Script}}}","type":"bearer","values":{"token":"t"}}""", "$.name"),
            ($$$"""{"name":"{{{SqlInjection}}}","type":"bearer","values":{"token":"t"}}""", "$.name"),
            ($$$"""{"name":"{{{Control}}}","type":"bearer","values":{"token":"t"}}""", "$.name"),
            ("""{"name":"ok","type":"magic","values":{"token":"t"}}""", "$.type"),
            ("""{"name":"ok","type":"bearer"}""", "$.values"),
            ("""{"name":"ok","type":"bearer","values":"token=t"}""", "$.values"),
            ("""{"name":"ok","type":"bearer","values":{"token":{"nested":1}}}""", "$.values.token"),
            ("""{"name":"ok","type":"bearer","values":{"token":"t"},"description":5}""", "$.description"),
            ("""{"type":"bearer","values":{"token":"t"}}""", "$.name")),
        new JsonRow("PUT /credentials/{id:guid}", NewCredentialAsync, p => p,
            ("""{"type":"magic"}""", "$.type"),
            ("""{"values":[]}""", "$.values"),
            ($$"""{"name":"{{SqlInjection}}"}""", "$.name"),
            ("""{"description":["x"]}""", "$.description")),
        new NoBody("DELETE /credentials/{id:guid}", At(_ => $"credentials/{Guid.NewGuid()}")),
        new NoBody("POST /credentials/reencrypt", At("credentials/reencrypt")),
        new JsonRow("POST /triggers", At("triggers"), _ => "triggers",
            ("""{"mode":"async"}""", "$.workflow_id"),
            ("""{"workflow_id":"WF","mode":"eventually"}""", "$.mode"),
            ("""{"workflow_id":"WF","methods":["DELETE"]}""", "$.methods[0]"),
            ("""{"workflow_id":"WF","enabled":"yes"}""", "$.enabled"),
            ("""{"workflow_id":"WF","sync_timeout_seconds":"10"}""", "$.sync_timeout_seconds"),
            ($$"""{"workflow_id":"WF","name":"{{Script}}"}""", "$.name"),
            ($$"""{"workflow_id":"{{SqlInjection}}"}""", "$.workflow_id")),
        new JsonRow("PUT /triggers/{id:guid}", NewTriggerAsync, p => p,
            ("""{"mode":1}""", "$.mode"),
            ("""{"methods":[]}""", "$.methods"),
            ("""{"require_timestamp":true,"require_signature":false}""", "$.require_timestamp"),
            ($$"""{"name":"{{Traversal}}"}""", "$.name")),
        new NoBody("DELETE /triggers/{id:guid}", At(_ => $"triggers/{Guid.NewGuid()}")),
        new NoBody("POST /triggers/{id:guid}/rotate-path", At(_ => $"triggers/{Guid.NewGuid()}/rotate-path")),
        new NoBody("POST /triggers/{id:guid}/rotate-secret", At(_ => $"triggers/{Guid.NewGuid()}/rotate-secret")),
        new Custom("POST /webhooks/{path}", WebhookChecksAsync),
        new JsonRow("POST /notifications/rules", At("notifications/rules"), _ => "notifications/rules",
            ("""{"events":["execution.failed"],"channel":"in_app"}""", "$.name"),
            ("""{"name":"r","events":["execution.exploded"],"channel":"in_app"}""", "$.events[0]"),
            ("""{"name":"r","events":"execution.failed","channel":"in_app"}""", "$.events"),
            ("""{"name":"r","events":["execution.failed"],"channel":"pager"}""", "$.channel"),
            ("""{"name":"r","events":["execution.failed"],"channel":"webhook","target":{"url":"file:///etc/passwd"}}""", "$.target.url"),
            ($$"""{"name":"{{Control}}","events":["execution.failed"],"channel":"in_app"}""", "$.name"),
            ($$"""{"name":"r","events":["execution.failed"],"channel":"in_app","workflow_id":"{{SqlInjection}}"}""", "$.workflow_id")),
        new JsonRow("PUT /notifications/rules/{id:guid}", NewRuleAsync, p => p,
            ("""{"events":"all"}""", "$.events"),
            ("""{"enabled":"no"}""", "$.enabled"),
            ("""{"slow_threshold_seconds":-5}""", "$.slow_threshold_seconds")),
        new NoBody("DELETE /notifications/rules/{id:guid}", At(_ => $"notifications/rules/{Guid.NewGuid()}")),
        new NoBody("POST /notifications/inbox/{id:guid}/read", At(_ => $"notifications/inbox/{Guid.NewGuid()}/read")),
    ];

    [Fact]
    public void EveryWriteEndpoint_HasBadInputCases()
    {
        var keys = WriteEndpointKeys();
        var rows = Rows.Select(r => r.Key).ToList();
        var problems = new List<string>();
        foreach (var key in keys.Where(k => !rows.Contains(k)))
            problems.Add($"{key}: no row in WriteEndpointBadInputTests.Rows; add a JsonRow with its bad-input cases (or NoBody if it reads no body).");
        foreach (var key in rows.Where(r => !keys.Contains(r)))
            problems.Add($"{key}: a row for a write endpoint the app does not map; remove it.");
        foreach (var duplicate in rows.GroupBy(r => r).Where(g => g.Count() > 1)) problems.Add($"{duplicate.Key}: more than one row.");
        foreach (var row in Rows.OfType<JsonRow>().Where(r => r.Cases.Length == 0)) problems.Add($"{row.Key}: a JSON row without cases.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>The JSON endpoints: malformed, non-object, unknown field, wrong content type, oversized, then the row's cases.</summary>
    [Fact]
    public async Task EveryJsonWriteEndpoint_AnswersBadInputWithAProblemNamingTheField_AndStoresNothing()
    {
        var f = await CreateFixtureAsync();
        var problems = new List<string>();
        var sent = 0;
        foreach (var row in Rows.OfType<JsonRow>())
        {
            var (method, _) = Split(row.Key);
            var path = await row.Path(f);
            var watch = row.Watch(path);
            var before = await FingerprintAsync(f, watch);

            var generic = new (string What, HttpContent Content, int Status, string Field)[]
            {
                ("malformed JSON", Json("{\"name\": "), 400, "$"),
                ("single quotes", Json("{'name': 'x'}"), 400, "$"),
                ("an array", Json("[1, 2]"), 400, "$"),
                ("a string", Json("\"text\""), 400, "$"),
                ("null", Json("null"), 400, "$"),
                ("an unknown field", Json("""{"zz_unknown_field": 1}"""), 400, "$.zz_unknown_field"),
                ("a wrong content type", new StringContent("{}", Encoding.UTF8, "text/plain"), 415, "Content-Type"),
                ("form data", new FormUrlEncodedContent([new("name", "x")]), 415, "Content-Type"),
                ("an oversized body", Json("{\"name\":\"" + new string('a', (int)TestServer.MaxRequestBodyBytes + 10) + "\"}"), 413, "$"),
            };
            var cases = generic.Concat(row.Cases.Select(c => ($"case {c.Body}", (HttpContent)Json(c.Body.Replace("\"WF\"", $"\"{f.WorkflowId}\"", StringComparison.Ordinal)), 400, c.Field)));
            foreach (var (what, content, status, field) in cases)
            {
                sent++;
                var answer = await SendAsync(f.Admin, method, path, content);
                var fault = Check(answer, status, field);
                if (fault is not null) problems.Add($"{row.Key} with {Clip(what)}: {fault}");
                if (what == "malformed JSON" && fault is null && !answer.Body.Contains("line 1, column", StringComparison.Ordinal))
                    problems.Add($"{row.Key} with malformed JSON: the problem does not say where (line and column): {answer.Body}");
            }
            var after = await FingerprintAsync(f, watch);
            if (before != after) problems.Add($"{row.Key}: refused requests changed what is stored.\nbefore: {before}\nafter:  {after}");
        }
        output.WriteLine($"{Rows.OfType<JsonRow>().Count()} JSON endpoints, {sent} bad requests");
        Assert.True(problems.Count == 0, $"{problems.Count} wrong answer(s):\n" + string.Join("\n", problems));
    }

    /// <summary>Endpoints reading no body ignore junk in it: no 5xx, no 415/413 about a body they do not read.</summary>
    [Fact]
    public async Task EveryBodilessWriteEndpoint_IgnoresJunkInTheBody()
    {
        var f = await CreateFixtureAsync();
        var problems = new List<string>();
        foreach (var row in Rows.OfType<NoBody>())
        {
            var (method, _) = Split(row.Key);
            var path = await row.Path(f);
            var plain = await SendAsync(f.Admin, method, path, null);
            var junk = await SendAsync(f.Admin, method, path, Json("{\"broken\": "));
            if (junk.Status >= 500 || junk.Status != plain.Status)
                problems.Add($"{row.Key}: {plain.Status} without a body but {junk.Status} with junk in it: {junk.Body}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task EveryOtherWriteEndpoint_PassesItsOwnBadInputChecks()
    {
        var f = await CreateFixtureAsync();
        foreach (var row in Rows.OfType<Custom>())
        {
            try
            {
                await row.Check(f);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"{row.Key}: {ex.Message}");
            }
        }
    }

    // Checks of the endpoints whose body is not a JSON object.

    private static async Task DefinitionChecksAsync(Fixture f, HttpMethod method, string path)
    {
        var before = await FingerprintAsync(f, "workflows?limit=500");
        Expect(await SendAsync(f.Admin, method.Method, path, Json("{\"id\": ")), 400, "$");
        Expect(await SendAsync(f.Admin, method.Method, path, Json("{\"id\":\"" + new string('a', (int)TestServer.MaxRequestBodyBytes) + "\"}")), 413, "$");
        Expect(await SendAsync(f.Admin, method.Method, path, new StringContent("<workflow/>", Encoding.UTF8, "application/xml")), 415, "Content-Type");
        var id = method == HttpMethod.Post ? Traversal : f.WorkflowId;
        Expect(await SendAsync(f.Admin, method.Method, path, Json(Definitions.HelloJson(id).Replace("\"Hello\"", "5", StringComparison.Ordinal))), 400, "$.name");
        if (method == HttpMethod.Post)
        {
            Expect(await SendAsync(f.Admin, method.Method, path, Json(Definitions.HelloJson(Traversal))), 400, "$.id");
            Expect(await SendAsync(f.Admin, method.Method, path, Json(Definitions.HelloJson(SqlInjection))), 400, "$.id");
        }
        Assert.Equal(before, await FingerprintAsync(f, "workflows?limit=500"));
    }

    /// <summary>Validation answers 200 with the problems listed (that is its job), but still 413 and 415.</summary>
    private static async Task ValidateChecksAsync(Fixture f)
    {
        var malformed = await SendAsync(f.Admin, "POST", "workflows/validate", Json("{\"id\": "));
        Assert.Equal(200, malformed.Status);
        using (var doc = JsonDocument.Parse(malformed.Body))
        {
            Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
            Assert.Contains(doc.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "$");
        }
        Expect(await SendAsync(f.Admin, "POST", "workflows/validate", Json("{\"id\":\"" + new string('a', (int)TestServer.MaxRequestBodyBytes) + "\"}")), 413, "$");
        Expect(await SendAsync(f.Admin, "POST", "workflows/validate", new StringContent("<workflow/>", Encoding.UTF8, "application/xml")), 415, "Content-Type");
    }

    private static async Task PackageChecksAsync(Fixture f, string path)
    {
        // Validation is audited whatever its verdict, so only the installed plugins are compared.
        var validation = path.EndsWith("/validate", StringComparison.Ordinal);
        var before = await FingerprintAsync(f, "plugins", audit: !validation);
        var wrongType = await SendAsync(f.Admin, "POST", path, Json("{}"));
        Assert.True(wrongType.Status == 415 && wrongType.IsProblem, $"JSON instead of a zip: {wrongType.Status} {wrongType.Body}");
        foreach (var (what, package) in new[]
        {
            ("not a zip", Encoding.UTF8.GetBytes(SqlInjection)),
            ("a zip with ../", PluginPackages.ZipOf(("../evil.txt", "x"), ("plugin.json", "{}"))),
        })
        {
            var answer = await SendAsync(f.Admin, "POST", path, PluginPackages.Zip(package));
            if (validation)
            {
                // Validation answers 200 with the problems listed: that is its job.
                using var doc = JsonDocument.Parse(answer.Body);
                Assert.True(answer.Status == 200 && !doc.RootElement.GetProperty("valid").GetBoolean() &&
                    doc.RootElement.GetProperty("errors").GetArrayLength() > 0, $"{what}: {answer.Status} {answer.Body}");
            }
            else
            {
                Assert.True(answer.Status == 400 && answer.IsProblem && answer.ErrorKeys.Count > 0, $"{what}: {answer.Status} {answer.Body}");
            }
        }
        Assert.Equal(before, await FingerprintAsync(f, "plugins", audit: !validation));
    }

    /// <summary>OAuth 2.0 (RFC 6749 section 5.2) answers token errors as <c>{"error": "invalid_request"}</c>, not RFC 7807.</summary>
    private static async Task OAuthTokenChecksAsync(Fixture f)
    {
        using var anonymous = f.Server.CreateAnonymousClient();
        foreach (var content in new HttpContent[]
        {
            Json("""{"grant_type":"client_credentials"}"""),
            new FormUrlEncodedContent([new("client_id", SqlInjection)]),
            new FormUrlEncodedContent([new("grant_type", "password"), new("client_id", "x"), new("client_secret", "y")]),
        })
        {
            var answer = await SendAsync(anonymous, "POST", "oauth/token", content);
            Assert.True(answer.Status == 400, $"{answer.Status} {answer.Body}");
            using var doc = JsonDocument.Parse(answer.Body);
            Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("error").GetString()));
        }
    }

    /// <summary>A webhook takes any body (it becomes the inputs), so only its size and, for JSON, its syntax are checked.</summary>
    private static async Task WebhookChecksAsync(Fixture f)
    {
        var trigger = await NewTriggerAsync(f);
        using var created = await f.Admin.PostAsync($"api/v2/triggers/{trigger.Split('/')[^1]}/rotate-path", null);
        var hook = (await created.ReadJsonAsync()).Str("path");
        using var anonymous = f.Server.CreateAnonymousClient();
        var before = await FingerprintAsync(f, "executions?limit=500");
        Expect(await SendAsync(anonymous, "POST", $"webhooks/{hook}", Json("{\"who\": ")), 400, "$");
        Expect(await SendAsync(anonymous, "POST", $"webhooks/{hook}", Json("{\"who\":\"" + new string('a', (int)TestServer.MaxRequestBodyBytes) + "\"}")), 413, null);
        Assert.Equal(before, await FingerprintAsync(f, "executions?limit=500"));
    }

    // Plumbing.

    private sealed record Answer(int Status, string Body, bool IsProblem, IReadOnlyList<string> ErrorKeys);

    private static async Task<Answer> SendAsync(HttpClient client, string method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "api/v2/" + path) { Content = content };
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
        IReadOnlyList<string> keys = [];
        if (isProblem)
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                keys = errors.EnumerateObject().Select(p => p.Name).ToList();
        }
        return new Answer((int)response.StatusCode, body, isProblem, keys);
    }

    /// <summary>What is wrong with the answer, or null: the status, an RFC 7807 body, and the field among its errors.</summary>
    private static string? Check(Answer answer, int status, string? field)
    {
        if (answer.Status != status) return $"{answer.Status}, expected {status}: {Clip(answer.Body)}";
        if (!answer.IsProblem) return $"not application/problem+json: {Clip(answer.Body)}";
        if (field is not null && !answer.ErrorKeys.Contains(field))
            return $"errors name {(answer.ErrorKeys.Count == 0 ? "nothing" : string.Join(", ", answer.ErrorKeys))}, expected {field}: {Clip(answer.Body)}";
        return null;
    }

    private static void Expect(Answer answer, int status, string? field)
    {
        if (Check(answer, status, field) is { } fault) throw new Xunit.Sdk.XunitException(fault);
    }

    /// <summary>The default tenant's audit count (every change writes one) and the watched resource, as text.</summary>
    private static async Task<string> FingerprintAsync(Fixture f, string watch, bool audit = true)
    {
        var records = audit ? (await f.Server.Services.GetRequiredService<ISecurityLogStore>().QueryAuditAsync(new AuditQuery("default", Limit: 1000))).Items.Count : -1;
        // Read as the admin user, and without keys' "last used" times: the bootstrap key's is written in the background
        // after each use of it (the test server's own client), so it may move between two reads.
        using var response = await f.Admin.GetAsync("api/v2/" + watch);
        var body = LastUsed().Replace(await response.Content.ReadAsStringAsync(), "\"last_used_at\":_");
        return $"audit={records} {watch} {(int)response.StatusCode} {body}";
    }

    [GeneratedRegex("\"last_used_at\":(\"[^\"]*\"|null)")]
    private static partial Regex LastUsed();

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private static (string Method, string Template) Split(string key) => (key[..key.IndexOf(' ', StringComparison.Ordinal)], key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..]);

    private async Task<Fixture> CreateFixtureAsync()
    {
        var admin = await server.CreateClientAsync(Roles.Admin);
        var workflowId = Definitions.NewId("bad");
        using (var created = await server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(workflowId)))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var started = await server.Client.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", "{}");
        var executionId = (await started.ReadJsonAsync()).GetProperty("id").GetGuid();
        await Poll.UntilAsync(() => server.Client.GetJsonAsync($"api/v2/executions/{executionId}"), e => e.Str("status") == "succeeded",
            what: "the fixture's execution to finish");
        var user = await server.CreateUserAsync("default", Roles.Viewer);
        return new Fixture(server, admin, workflowId, executionId, user.Id);
    }

    private static async Task<string> NewScheduleAsync(Fixture f)
    {
        using var created = await f.Server.Client.PostJsonAsync("api/v2/schedules", $$"""{"workflow_id":"{{f.WorkflowId}}","cron":"0 9 * * *"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return "schedules/" + (await created.ReadJsonAsync()).Str("id");
    }

    private static async Task<string> NewCredentialAsync(Fixture f)
    {
        using var created = await f.Server.Client.PostJsonAsync("api/v2/credentials", $$$"""{"name":"bad_{{{Guid.NewGuid():N}}}","type":"bearer","values":{"token":"t"}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return "credentials/" + (await created.ReadJsonAsync()).Str("id");
    }

    private static async Task<string> NewTriggerAsync(Fixture f)
    {
        using var created = await f.Server.Client.PostJsonAsync("api/v2/triggers", $$"""{"workflow_id":"{{f.WorkflowId}}"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return "triggers/" + (await created.ReadJsonAsync()).Str("id");
    }

    private static async Task<string> NewRuleAsync(Fixture f)
    {
        using var created = await f.Server.Client.PostJsonAsync("api/v2/notifications/rules", """{"name":"bad","events":["execution.failed"],"channel":"in_app"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return "notifications/rules/" + (await created.ReadJsonAsync()).Str("id");
    }

    /// <summary>"METHOD /template" of every POST, PUT, PATCH and DELETE endpoint, without the version prefix.</summary>
    private List<string> WriteEndpointKeys()
    {
        var keys = new List<string>();
        foreach (var e in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var method = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods[0] : "GET";
            if (method is not ("POST" or "PUT" or "PATCH" or "DELETE")) continue;
            var template = e.RoutePattern.RawText ?? "";
            template = template.Length > 1 ? template.TrimEnd('/') : template;
            foreach (var version in ApiRoutes.Versions)
            {
                var prefix = $"/api/{version}/";
                if (template.StartsWith(prefix, StringComparison.Ordinal)) template = template[(prefix.Length - 1)..];
            }
            if (!keys.Contains($"{method} {template}")) keys.Add($"{method} {template}");
        }
        return keys;
    }
}
