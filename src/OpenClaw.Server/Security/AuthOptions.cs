using Microsoft.Extensions.Options;

namespace OpenClaw.Server.Security;

/// <summary>Authentication settings (configuration section <c>OpenClaw:Auth</c>, e.g. <c>OpenClaw__Auth__BootstrapApiKey</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "OpenClaw:Auth";

    /// <summary>
    /// The HMAC key access tokens are signed with (32+ characters). Unset: one is generated on first start and stored in
    /// the database, so every API node over the same database signs and accepts the same tokens.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>How long an access token is valid (default 15 minutes).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a refresh token is valid (default 14 days); each refresh issues a new one.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The first administrator's password (automation); unset, a random one is written to <c>&lt;data&gt;/initial-admin-password</c>.</summary>
    public string? InitialAdminPassword { get; set; }

    /// <summary>An API key (starting <c>ock_</c>, 32+ characters) that is ensured to exist as an all-scopes admin key of the default tenant.</summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>Consecutive failed logins that lock a user (default 5).</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>Failed logins from one address within <see cref="LockoutDuration"/> that block it (default 20).</summary>
    public int MaxFailedLoginsPerAddress { get; set; } = 20;

    /// <summary>How long a locked user or blocked address waits (default 15 minutes).</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a looked-up API key stays in the cache (default 1 hour; 0 looks it up on every request). A revocation
    /// removes it from every node's cache at once, so this only bounds how long an unused entry is kept.
    /// </summary>
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Minimum length of a new password.</summary>
    public int MinPasswordLength { get; set; } = 10;
}

/// <summary>Checks <see cref="AuthOptions"/> at startup, naming each bad setting.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions o)
    {
        var errors = new List<string>();
        if (o.SigningKey is { Length: < 32 }) errors.Add("OpenClaw:Auth:SigningKey must be at least 32 characters.");
        if (o.AccessTokenLifetime < TimeSpan.FromSeconds(30) || o.AccessTokenLifetime > TimeSpan.FromDays(1))
            errors.Add("OpenClaw:Auth:AccessTokenLifetime must be between 30 seconds and 1 day.");
        if (o.RefreshTokenLifetime < o.AccessTokenLifetime) errors.Add("OpenClaw:Auth:RefreshTokenLifetime must not be shorter than the access token's.");
        if (o.BootstrapApiKey is { } key && (key.Length < 32 || !key.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal)))
            errors.Add($"OpenClaw:Auth:BootstrapApiKey must start with '{ApiKeyFormat.Prefix}' and be at least 32 characters.");
        if (o.MinPasswordLength < 8) errors.Add("OpenClaw:Auth:MinPasswordLength must be at least 8.");
        if (o.InitialAdminPassword is { } password && password.Length < o.MinPasswordLength)
            errors.Add($"OpenClaw:Auth:InitialAdminPassword must be at least {o.MinPasswordLength} characters.");
        if (o.MaxFailedLogins < 1) errors.Add("OpenClaw:Auth:MaxFailedLogins must be at least 1.");
        if (o.MaxFailedLoginsPerAddress < 1) errors.Add("OpenClaw:Auth:MaxFailedLoginsPerAddress must be at least 1.");
        if (o.LockoutDuration <= TimeSpan.Zero) errors.Add("OpenClaw:Auth:LockoutDuration must be positive.");
        if (o.ApiKeyCacheDuration < TimeSpan.Zero) errors.Add("OpenClaw:Auth:ApiKeyCacheDuration must not be negative.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
