namespace OpenClaw.Server.Security;

/// <summary>Endpoint metadata: callers whose password must be changed may still call this endpoint (me, change password, logout).</summary>
public sealed class AllowedBeforePasswordChange
{
    public static readonly AllowedBeforePasswordChange Instance = new();
}
