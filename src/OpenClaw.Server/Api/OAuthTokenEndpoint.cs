using System.Text;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>
/// <c>POST /oauth/token</c>: the OAuth2 client-credentials grant (RFC 6749 section 4.4). Form-encoded; the client
/// authenticates with HTTP Basic or <c>client_id</c>/<c>client_secret</c> fields; errors are RFC 6749 section 5.2 JSON.
/// </summary>
internal static class OAuthTokenEndpoint
{
    public static RouteGroupBuilder MapOAuthTokenEndpoint(this RouteGroupBuilder api)
    {
        api.MapPost("/oauth/token", TokenAsync).AllowAnonymous().WithTags("Authentication").DisableAntiforgery();
        return api;
    }

    private static async Task<IResult> TokenAsync(
        HttpRequest request, IIdentityStore store, AccessTokens tokens, SecurityLogWriter log, TimeProvider time, CancellationToken ct)
    {
        if (!request.HasFormContentType) return Error("invalid_request", "The body must be application/x-www-form-urlencoded.");
        var form = await request.ReadFormAsync(ct);
        var grant = form["grant_type"].ToString();
        if (string.IsNullOrEmpty(grant)) return Error("invalid_request", "grant_type is required.");
        if (grant != "client_credentials") return Error("unsupported_grant_type", "Only client_credentials is supported here; users log in at /auth/login.");

        var (clientId, secret) = ClientCredentials(request, form);
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(secret))
            return Error("invalid_client", "Send the client id and secret with HTTP Basic or as client_id and client_secret.", StatusCodes.Status401Unauthorized);
        var client = await store.FindOAuthClientAsync(clientId, ct);
        if (client is null || client.RevokedAt is not null || !ApiKeyFormat.HashEquals(client.SecretHash, ApiKeyFormat.Hash(secret)))
        {
            log.Event(new SecurityEventRecord(Guid.CreateVersion7(), client?.TenantId, SecurityEventKinds.InvalidCredentials, clientId,
                AuthEndpoints.Address(request), $"Client credentials refused for '{clientId}'.", null, time.GetUtcNow()));
            return Error("invalid_client", "Unknown client, wrong secret, or a revoked client.", StatusCodes.Status401Unauthorized);
        }

        var granted = RolePermissions.Narrow(client.Role, client.TenantId, client.Scopes);
        IReadOnlyList<string> scopes = granted.Order(StringComparer.Ordinal).ToList();
        var asked = form["scope"].ToString();
        if (asked.Length > 0)
        {
            var requested = asked.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var refused = requested.Where(s => !granted.Contains(s)).ToList();
            if (refused.Count > 0) return Error("invalid_scope", $"The client may not have: {string.Join(' ', refused)}.");
            scopes = requested.Distinct().ToList();
        }
        var issued = tokens.ForClient(client.TenantId, client.ClientId, client.Name, client.Role, scopes);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new TokenResponse(issued.AccessToken, "Bearer", issued.ExpiresIn, Scope: string.Join(' ', scopes)));
    }

    private static (string? Id, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0) return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }
        return (form["client_id"].ToString(), form["client_secret"].ToString());
    }

    /// <summary>An RFC 6749 section 5.2 error answer.</summary>
    private static IResult Error(string error, string description, int status = StatusCodes.Status400BadRequest)
    {
        var body = new Dictionary<string, string> { ["error"] = error, ["error_description"] = description };
        return status == StatusCodes.Status401Unauthorized
            ? new UnauthorizedClient(body)
            : TypedResults.Json(body, statusCode: status);
    }

    /// <summary>401 with <c>WWW-Authenticate: Basic</c>, as RFC 6749 asks for a failed client authentication.</summary>
    private sealed class UnauthorizedClient(Dictionary<string, string> body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"openclaw\"";
            return TypedResults.Json(body, statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(httpContext);
        }
    }
}
