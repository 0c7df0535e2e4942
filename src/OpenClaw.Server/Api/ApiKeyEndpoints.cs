using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>
/// <c>/api-keys</c>: a user makes keys for scripts and integrations, narrowed to scopes they hold themselves; the key is
/// shown once, at creation. Users see and revoke their own keys; administrators (<c>users:manage</c>) all of the tenant's.
/// </summary>
internal static class ApiKeyEndpoints
{
    private static readonly string[] CreateFields = ["name", "scopes", "expires_at"];

    public static RouteGroupBuilder MapApiKeyEndpoints(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys").RequireAuthenticated();
        keys.MapPost("/", CreateAsync);
        keys.MapGet("/", ListAsync);
        keys.MapDelete("/{id}", RevokeAsync);
        return api;
    }

    public sealed record ApiKeyResponse(
        Guid Id, string Name, string Prefix, string Role, IReadOnlyList<string> Scopes, Guid? CreatedBy, DateTimeOffset? ExpiresAt,
        DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, DateTimeOffset CreatedAt)
    {
        public static ApiKeyResponse From(ApiKeyRecord k) =>
            new(k.Id, k.Name, k.Prefix, k.Role, k.Scopes, k.CreatedBy, k.ExpiresAt, k.LastUsedAt, k.RevokedAt, k.CreatedAt);
    }

    /// <summary>The created key: <see cref="Key"/> is shown this once and never again.</summary>
    public sealed record CreatedApiKeyResponse(string Key, ApiKeyResponse ApiKey);

    public sealed record ApiKeyList(IReadOnlyList<ApiKeyResponse> Items);

    private static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, Caller caller, IIdentityStore store, TimeProvider time, AuditContext audit, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, CreateFields, ct);
        if (problem is not null) return problem;
        var name = body!.String("name", required: true, maxLength: 100);
        var scopes = body.Strings("scopes", [RolePermissions.AllScopes, .. Permissions.All], required: true, allowEmpty: true);
        var expires = body.Time("expires_at");
        var now = time.GetUtcNow();
        if (expires is { } e && e <= now) body.Error("expires_at", "Must be in the future.");
        if (scopes is { Count: 0 }) body.Error("scopes", "Give at least one scope (or \"*\" for everything your role allows).");
        foreach (var scope in scopes ?? [])
        {
            if (scope != RolePermissions.AllScopes && !caller.Has(scope))
                body.Error("scopes", $"You do not hold '{scope}', so a key of yours cannot have it.");
        }
        if (body.Problem is { } invalid) return invalid;
        if (caller.Kind != CallerKind.User)
            return Problems.Forbidden("Only users make API keys; log in as a user (a key or client cannot mint further keys).");

        var key = ApiKeyFormat.NewSecret(ApiKeyFormat.Prefix);
        var created = await store.CreateApiKeyAsync(new ApiKeyRecord(Guid.CreateVersion7(), caller.TenantId, name!, ApiKeyFormat.Display(key),
            ApiKeyFormat.Hash(key), caller.Role, scopes!, Guid.Parse(caller.SubjectId), expires, null, null, now), ct);
        audit.Describe("api_key", created.Id.ToString("D"), "create", after: ApiKeyResponse.From(created));
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"{ApiRoutes.Prefix(request)}/api-keys/{created.Id}", new CreatedApiKeyResponse(key, ApiKeyResponse.From(created)));
    }

    private static async Task<Ok<ApiKeyList>> ListAsync(Caller caller, IIdentityStore store, CancellationToken ct)
    {
        var keys = await store.ListApiKeysAsync(caller.TenantId, ct);
        return TypedResults.Ok(new ApiKeyList(keys.Where(k => Visible(caller, k)).Select(ApiKeyResponse.From).ToList()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id, Caller caller, IIdentityStore store, ApiKeyAuthenticator authenticator, TimeProvider time, AuditContext audit, CancellationToken ct)
    {
        var key = Guid.TryParse(id, out var guid) ? await store.GetApiKeyAsync(caller.TenantId, guid, ct) : null;
        if (key is null || !Visible(caller, key)) return Problems.NotFound($"API key '{id}' does not exist.");
        if (key.RevokedAt is null)
        {
            await store.RevokeApiKeyAsync(caller.TenantId, key.Id, time.GetUtcNow(), ct);
            await authenticator.ForgetAsync(key.KeyHash);
            audit.Describe("api_key", id, "revoke", before: ApiKeyResponse.From(key));
        }
        return TypedResults.NoContent();
    }

    private static bool Visible(Caller caller, ApiKeyRecord key) =>
        caller.Has(Permissions.UsersManage) || key.CreatedBy?.ToString("D") == caller.SubjectId;
}
