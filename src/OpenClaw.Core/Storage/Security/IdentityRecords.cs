namespace OpenClaw.Core.Storage;

/// <summary>A tenant (the <c>tenants</c> table): every other row belongs to one.</summary>
/// <param name="MaxWorkflows">Quota; null means the server's configured default.</param>
/// <param name="MaxExecutionsPerDay">Quota over the UTC day; null means the server's configured default.</param>
/// <param name="RequestsPerMinute">API rate limit; null means the server's configured default.</param>
public sealed record TenantRecord(
    string Id,
    string Name,
    int? MaxWorkflows,
    int? MaxExecutionsPerDay,
    int? RequestsPerMinute,
    DateTimeOffset CreatedAt);

/// <summary>A user who logs in with a password (the <c>users</c> table).</summary>
/// <param name="Username">Unique in the tenant, compared case-insensitively.</param>
/// <param name="PasswordHash">A <c>PasswordHasher</c> hash; the password itself is never stored.</param>
/// <param name="Role">One of <see cref="Roles"/>.</param>
/// <param name="FailedLogins">Consecutive failed logins since the last success.</param>
/// <param name="LockedUntil">Logins are refused until then.</param>
public sealed record UserRecord(
    Guid Id,
    string TenantId,
    string Username,
    string? Email,
    string PasswordHash,
    string Role,
    bool IsActive,
    bool MustChangePassword,
    int FailedLogins,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// One issued refresh token (the <c>refresh_tokens</c> table), stored as a hash. Rotating marks it used and issues the
/// next of the same <see cref="FamilyId"/>; presenting a used token again revokes the family.
/// </summary>
public sealed record RefreshTokenRecord(
    Guid Id,
    string TenantId,
    Guid UserId,
    Guid FamilyId,
    string TokenHash,
    DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UsedAt,
    DateTimeOffset? RevokedAt);

/// <summary>An API key (the <c>api_keys</c> table), stored as a hash with its first characters for display.</summary>
/// <param name="Role">The role of the user who made it; the key's rights are the role's, narrowed to <see cref="Scopes"/>.</param>
public sealed record ApiKeyRecord(
    Guid Id,
    string TenantId,
    string Name,
    string Prefix,
    string KeyHash,
    string Role,
    IReadOnlyList<string> Scopes,
    Guid? CreatedBy,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset CreatedAt);

/// <summary>An OAuth2 client-credentials client (the <c>oauth_clients</c> table), its secret stored as a hash.</summary>
public sealed record OAuthClientRecord(
    Guid Id,
    string TenantId,
    string ClientId,
    string Name,
    string SecretHash,
    string Role,
    IReadOnlyList<string> Scopes,
    Guid? CreatedBy,
    DateTimeOffset? RevokedAt,
    DateTimeOffset CreatedAt);

/// <summary>The fixed roles; what each may do is the server's permission matrix.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Editor = "editor";
    public const string Operator = "operator";
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Editor, Operator, Viewer];
}
