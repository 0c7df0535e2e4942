using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>
/// <c>/tenants</c>: create, list, read and set the quotas of tenants. Only platform administrators (administrators of the
/// default tenant, the only holders of <c>tenants:manage</c>) reach these.
/// </summary>
internal static partial class TenantEndpoints
{
    private static readonly string[] CreateFields =
        ["id", "name", "max_workflows", "max_executions_per_day", "requests_per_minute", "admin_username", "admin_password"];
    private static readonly string[] UpdateFields = ["name", "max_workflows", "max_executions_per_day", "requests_per_minute"];

    public static RouteGroupBuilder MapTenantEndpoints(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants").RequirePermission(Permissions.TenantsManage);
        tenants.MapPost("/", CreateAsync);
        tenants.MapGet("/", ListAsync);
        tenants.MapGet("/{id}", GetAsync);
        tenants.MapPatch("/{id}", UpdateAsync);
        return api;
    }

    public sealed record TenantResponse(string Id, string Name, int? MaxWorkflows, int? MaxExecutionsPerDay, int? RequestsPerMinute, DateTimeOffset CreatedAt)
    {
        public static TenantResponse From(TenantRecord t) => new(t.Id, t.Name, t.MaxWorkflows, t.MaxExecutionsPerDay, t.RequestsPerMinute, t.CreatedAt);
    }

    public sealed record TenantList(IReadOnlyList<TenantResponse> Items);

    private static async Task<Results<Created<TenantResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, IIdentityStore store, PasswordHasher<UserRecord> hasher, IOptions<AuthOptions> options, TimeProvider time,
        AuditContext audit, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, CreateFields, ct);
        if (problem is not null) return problem;
        var id = body!.String("id", required: true, maxLength: 64);
        if (id is not null && !TenantIdPattern().IsMatch(id)) body.Error("id", "Use lower-case letters, digits and '-' (1 to 64), starting with a letter or digit.");
        var name = body.String("name", required: true, maxLength: 200);
        var (maxWorkflows, maxExecutions, rpm) = Quotas(body);
        var adminName = body.String("admin_username", required: false, maxLength: 64);
        if (adminName is not null && !UserEndpoints.UsernamePattern().IsMatch(adminName)) body.Error("admin_username", "Use letters, digits, '.', '_' and '-' only.");
        var adminPassword = body.String("admin_password", required: adminName is not null, maxLength: 1024);
        if (adminPassword is not null) PasswordRules.Check(body, "admin_password", adminPassword, options.Value);
        if (adminPassword is not null && adminName is null) body.Error("admin_username", "Required with admin_password.");
        if (body.Problem is { } invalid) return invalid;

        var now = time.GetUtcNow();
        TenantRecord created;
        try
        {
            created = await store.CreateTenantAsync(new TenantRecord(id!, name!, maxWorkflows, maxExecutions, rpm, now), ct);
        }
        catch (DuplicateKeyException)
        {
            return Problems.Conflict($"Tenant '{id}' already exists.");
        }
        if (adminName is not null)
        {
            // The tenant's first administrator, who must choose their own password at first login.
            var admin = new UserRecord(Guid.CreateVersion7(), created.Id, adminName, null, "", Roles.Admin, true, true, 0, null, now, now);
            await store.CreateUserAsync(admin with { PasswordHash = hasher.HashPassword(admin, adminPassword!) }, ct);
        }
        audit.Describe("tenant", created.Id, "create", after: TenantResponse.From(created));
        return TypedResults.Created($"{ApiRoutes.Prefix(request)}/tenants/{created.Id}", TenantResponse.From(created));
    }

    private static async Task<Ok<TenantList>> ListAsync(IIdentityStore store, CancellationToken ct) =>
        TypedResults.Ok(new TenantList((await store.ListTenantsAsync(ct)).Select(TenantResponse.From).ToList()));

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetAsync(string id, IIdentityStore store, CancellationToken ct) =>
        await store.GetTenantAsync(id, ct) is { } tenant ? TypedResults.Ok(TenantResponse.From(tenant)) : Problems.NotFound($"Tenant '{id}' does not exist.");

    private static async Task<Results<Ok<TenantResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, IIdentityStore store, TenantLimits limits, AuditContext audit, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, UpdateFields, ct);
        if (problem is not null) return problem;
        var name = body!.String("name", required: false, maxLength: 200);
        var (maxWorkflows, maxExecutions, rpm) = Quotas(body);
        if (body.Problem is { } invalid) return invalid;
        var tenant = await store.GetTenantAsync(id, ct);
        if (tenant is null) return Problems.NotFound($"Tenant '{id}' does not exist.");
        var changed = tenant with
        {
            Name = name ?? tenant.Name,
            MaxWorkflows = body.Has("max_workflows") ? maxWorkflows : tenant.MaxWorkflows,
            MaxExecutionsPerDay = body.Has("max_executions_per_day") ? maxExecutions : tenant.MaxExecutionsPerDay,
            RequestsPerMinute = body.Has("requests_per_minute") ? rpm : tenant.RequestsPerMinute,
        };
        var saved = await store.UpdateTenantAsync(changed, ct);
        if (saved is null) return Problems.NotFound($"Tenant '{id}' does not exist.");
        limits.Forget(id);
        audit.Describe("tenant", id, "update", TenantResponse.From(tenant), TenantResponse.From(saved));
        return TypedResults.Ok(TenantResponse.From(saved));
    }

    private static (int?, int?, int?) Quotas(JsonRequestBody body) =>
        (body.Int("max_workflows", 0, 10_000_000), body.Int("max_executions_per_day", 0, 1_000_000_000), body.Int("requests_per_minute", 1, 10_000_000));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex TenantIdPattern();
}
