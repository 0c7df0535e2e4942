namespace OpenClaw.Core.Storage;

/// <summary>One change, for the audit trail (the <c>audit_records</c> table).</summary>
/// <param name="Before">The resource before the change, as JSON text with secrets removed, or null.</param>
/// <param name="After">The resource after the change, as JSON text with secrets removed, or null.</param>
public sealed record AuditRecord(
    Guid Id,
    string TenantId,
    string ActorId,
    string ActorName,
    string ActorKind,
    string Action,
    string ResourceType,
    string? ResourceId,
    string? Before,
    string? After,
    string? Ip,
    string? UserAgent,
    string? RequestId,
    DateTimeOffset CreatedAt);

/// <summary>Filters of the audit trail; all optional. Newest first, keyset-paged.</summary>
public sealed record AuditQuery(
    string TenantId,
    string? ActorId = null,
    string? ResourceType = null,
    string? ResourceId = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    int Limit = 100,
    string? Cursor = null);

/// <summary>One answered request (the <c>access_log</c> table).</summary>
/// <param name="TenantId">Null for anonymous requests.</param>
public sealed record AccessLogRecord(
    Guid Id,
    string? TenantId,
    string Method,
    string Path,
    int Status,
    double DurationMs,
    string? CallerId,
    string? CallerName,
    string? Ip,
    string? RequestId,
    DateTimeOffset CreatedAt);

/// <summary>A security-relevant event (the <c>security_events</c> table).</summary>
/// <param name="TenantId">Null when no tenant is known (a failed login with an unknown tenant, a sandbox violation).</param>
/// <param name="Kind">One of <see cref="SecurityEventKinds"/>.</param>
/// <param name="Actor">The user name, key or client the event is about, when known.</param>
/// <param name="Data">Details as JSON text, or null.</param>
public sealed record SecurityEventRecord(
    Guid Id,
    string? TenantId,
    string Kind,
    string? Actor,
    string? Ip,
    string Detail,
    string? Data,
    DateTimeOffset CreatedAt);

/// <summary>The kinds of security event.</summary>
public static class SecurityEventKinds
{
    public const string LoginFailed = "login_failed";
    public const string Lockout = "lockout";
    public const string PermissionDenied = "permission_denied";
    public const string InvalidCredentials = "invalid_credentials";
    public const string RefreshTokenReuse = "refresh_token_reuse";
    public const string SandboxViolation = "sandbox_violation";

    /// <summary>A scheduled run skipped because its tenant's daily execution quota was used up (no caller to answer 429 to).</summary>
    public const string QuotaExceeded = "quota_exceeded";
}

/// <summary>Filters of the security events; newest first, keyset-paged.</summary>
/// <param name="TenantId">The tenant's events; null for every tenant's and those of none (platform administrators).</param>
public sealed record SecurityEventQuery(string? TenantId, string? Kind = null, DateTimeOffset? Since = null, int Limit = 100, string? Cursor = null);
