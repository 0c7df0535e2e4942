using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OpenClaw.Server.Security;

/// <summary>A signed, short-lived access token.</summary>
public sealed record IssuedToken(string AccessToken, int ExpiresIn);

/// <summary>Issues and validates the server's JWT access tokens (HS256, issuer and audience <c>openclaw</c>).</summary>
/// <remarks>
/// A signature is not enough: every token is also checked against its user's or client's current state
/// (<see cref="SessionStateCache"/>), so logout, a role change or a revocation ends it at once, not at its expiry.
/// </remarks>
internal sealed class AccessTokens(SigningKeyProvider keys, SessionStateCache sessions, IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>How far apart the issuing and the validating node's clocks may be.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private const string Issuer = "openclaw";
    private const string Audience = "openclaw-api";
    private const string TenantClaim = "tid";
    private const string RoleClaim = "role";
    private const string KindClaim = "kind";
    private const string ScopeClaim = "scope";
    private const string PasswordChangeClaim = "pwd_change";
    private const string SessionClaim = "sid";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    /// <summary>A token for a user (<paramref name="mustChangePassword"/>: only password change, me and logout are allowed).</summary>
    /// <param name="sessionId">The session (refresh-token family) it belongs to: ending the session ends the token.</param>
    public IssuedToken ForUser(string tenantId, Guid userId, string username, string role, bool mustChangePassword, Guid sessionId) =>
        Issue(tenantId, userId.ToString("D"), username, role, CallerKind.User, null, mustChangePassword, sessionId);

    /// <summary>A token for an OAuth2 client (client credentials), narrowed to <paramref name="scopes"/>.</summary>
    public IssuedToken ForClient(string tenantId, string clientId, string name, string role, IReadOnlyList<string> scopes) =>
        Issue(tenantId, clientId, name, role, CallerKind.Client, string.Join(' ', scopes), mustChangePassword: false, sessionId: null);

    private IssuedToken Issue(string tenantId, string subject, string name, string role, CallerKind kind, string? scope, bool mustChangePassword, Guid? sessionId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = options.Value.AccessTokenLifetime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            [JwtRegisteredClaimNames.Name] = name,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [TenantClaim] = tenantId,
            [RoleClaim] = role,
            [KindClaim] = kind == CallerKind.Client ? "client" : "user",
        };
        if (scope is not null) claims[ScopeClaim] = scope;
        if (mustChangePassword) claims[PasswordChangeClaim] = true;
        if (sessionId is { } session) claims[SessionClaim] = session.ToString("D");
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, (int)lifetime.TotalSeconds);
    }

    /// <summary>The caller a valid token of a current session names, or null with the reason it was refused.</summary>
    public async Task<(Caller? Caller, bool MustChangePassword, string? Error)> ValidateAsync(string token, CancellationToken ct)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = keys.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = ClockSkew,
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } e && e + p.ClockSkew > now && (notBefore is not { } nb || nb - p.ClockSkew <= now);
            },
        });
        // A fixed description: the handler's messages span lines and name internals, and end up in a response header.
        if (!result.IsValid)
            return (null, false, result.Exception is SecurityTokenExpiredException ? "the token has expired" : "the token is not valid (format, signature, issuer or audience)");
        var claims = result.Claims;
        string Get(string claim) => claims.TryGetValue(claim, out var value) ? value?.ToString() ?? "" : "";
        var tenantId = Get(TenantClaim);
        var role = Get(RoleClaim);
        var kind = Get(KindClaim) == "client" ? CallerKind.Client : CallerKind.User;
        var permissions = kind == CallerKind.Client
            ? RolePermissions.Narrow(role, tenantId, Get(ScopeClaim).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            : RolePermissions.For(role, tenantId);
        var mustChange = claims.TryGetValue(PasswordChangeClaim, out var flag) && flag is true;
        var caller = new Caller(tenantId, Get(JwtRegisteredClaimNames.Sub), Get(JwtRegisteredClaimNames.Name), kind, role, permissions);
        var session = Guid.TryParse(Get(SessionClaim), out var sid) ? sid : (Guid?)null;
        if (await sessions.RefuseAsync(caller, session, ct) is { } refused) return (null, false, refused);
        return (caller, mustChange, null);
    }
}
