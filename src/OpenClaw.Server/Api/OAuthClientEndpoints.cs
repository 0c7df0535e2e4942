using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary><c>/oauth-clients</c>: client-credentials clients of the tenant (administrators); the secret is shown once, at creation.</summary>
internal static class OAuthClientEndpoints
{
    private static readonly string[] CreateFields = ["name", "scopes", "role"];

    public static RouteGroupBuilder MapOAuthClientEndpoints(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/oauth-clients").WithTags("OAuth clients").RequirePermission(Permissions.UsersManage);
        clients.MapPost("/", CreateAsync);
        clients.MapGet("/", ListAsync);
        clients.MapDelete("/{id}", RevokeAsync);
        return api;
    }

    public sealed record OAuthClientResponse(
        Guid Id, string ClientId, string Name, string Role, IReadOnlyList<string> Scopes, DateTimeOffset? RevokedAt, DateTimeOffset CreatedAt)
    {
        public static OAuthClientResponse From(OAuthClientRecord c) => new(c.Id, c.ClientId, c.Name, c.Role, c.Scopes, c.RevokedAt, c.CreatedAt);
    }

    /// <summary>The created client: <see cref="ClientSecret"/> is shown this once and never again.</summary>
    public sealed record CreatedOAuthClientResponse(string ClientId, string ClientSecret, OAuthClientResponse Client);

    public sealed record OAuthClientList(IReadOnlyList<OAuthClientResponse> Items);

    private static async Task<Results<Created<CreatedOAuthClientResponse>, ValidationProblem>> CreateAsync(
        HttpRequest request, Caller caller, IIdentityStore store, TimeProvider time, AuditContext audit, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, CreateFields, ct);
        if (problem is not null) return problem;
        var name = body!.String("name", required: true, maxLength: 100);
        var scopes = body.Strings("scopes", [RolePermissions.AllScopes, .. Permissions.All], required: true, allowEmpty: true);
        var role = body.String("role", required: false, maxLength: 16) ?? Roles.Viewer;
        if (!Roles.All.Contains(role)) body.Error("role", $"Must be one of {string.Join(", ", Roles.All)}.");
        if (scopes is { Count: 0 }) body.Error("scopes", "Give at least one scope (or \"*\" for everything the role allows).");
        if (body.Problem is { } invalid) return invalid;

        var clientId = "occ_" + Guid.NewGuid().ToString("N");
        var secret = ApiKeyFormat.NewSecret(ApiKeyFormat.SecretPrefix);
        var created = await store.CreateOAuthClientAsync(new OAuthClientRecord(Guid.CreateVersion7(), caller.TenantId, clientId, name!,
            ApiKeyFormat.Hash(secret), role, scopes!, Guid.TryParse(caller.SubjectId, out var by) ? by : null, null, time.GetUtcNow()), ct);
        audit.Describe("oauth_client", created.Id.ToString("D"), "create", after: OAuthClientResponse.From(created));
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"{ApiRoutes.Prefix(request)}/oauth-clients/{created.Id}",
            new CreatedOAuthClientResponse(clientId, secret, OAuthClientResponse.From(created)));
    }

    private static async Task<Ok<OAuthClientList>> ListAsync(Caller caller, IIdentityStore store, CancellationToken ct) =>
        TypedResults.Ok(new OAuthClientList((await store.ListOAuthClientsAsync(caller.TenantId, ct)).Select(OAuthClientResponse.From).ToList()));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id, Caller caller, IIdentityStore store, SessionStateCache states, TimeProvider time, AuditContext audit, CancellationToken ct)
    {
        var clients = await store.ListOAuthClientsAsync(caller.TenantId, ct);
        var client = clients.FirstOrDefault(c => c.Id.ToString("D") == id || c.ClientId == id);
        if (client is null) return Problems.NotFound($"OAuth client '{id}' does not exist.");
        if (client.RevokedAt is null)
        {
            await store.RevokeOAuthClientAsync(caller.TenantId, client.Id, time.GetUtcNow(), ct);
            await states.ForgetClientAsync(client.ClientId);
            audit.Describe("oauth_client", client.Id.ToString("D"), "revoke", before: OAuthClientResponse.From(client));
        }
        return TypedResults.NoContent();
    }
}
