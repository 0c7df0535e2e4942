using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OpenClaw.Server.Security;

/// <summary>A signed, short-lived access token.</summary>
public sealed record IssuedToken(string AccessToken, int ExpiresIn);

/// <summary>Issues and validates the server's JWT access tokens (HS256, issuer and audience <c>openclaw</c>).</summary>
internal sealed class AccessTokens(SigningKeyProvider keys, IOptions<AuthOptions> options, TimeProvider time)
{
    private const string Issuer = "openclaw";
    private const string Audience = "openclaw-api";
    private const string TenantClaim = "tid";
    private const string RoleClaim = "role";
    private const string KindClaim = "kind";
    private const string ScopeClaim = "scope";
    private const string PasswordChangeClaim = "pwd_change";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    /// <summary>A token for a user (<paramref name="mustChangePassword"/>: only password change, me and logout are allowed).</summary>
    public IssuedToken ForUser(string tenantId, Guid userId, string username, string role, bool mustChangePassword) =>
        Issue(tenantId, userId.ToString("D"), username, role, CallerKind.User, null, mustChangePassword);

    /// <summary>A token for an OAuth2 client (client credentials), narrowed to <paramref name="scopes"/>.</summary>
    public IssuedToken ForClient(string tenantId, string clientId, string name, string role, IReadOnlyList<string> scopes) =>
        Issue(tenantId, clientId, name, role, CallerKind.Client, string.Join(' ', scopes), mustChangePassword: false);

    private IssuedToken Issue(string tenantId, string subject, string name, string role, CallerKind kind, string? scope, bool mustChangePassword)
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

    /// <summary>The caller a valid token names, or null with the reason it was refused.</summary>
    public async Task<(Caller? Caller, bool MustChangePassword, string? Error)> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = keys.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
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
        return (new Caller(tenantId, Get(JwtRegisteredClaimNames.Sub), Get(JwtRegisteredClaimNames.Name), kind, role, permissions), mustChange, null);
    }
}
