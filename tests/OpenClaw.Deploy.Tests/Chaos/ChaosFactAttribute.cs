using OpenClaw.Deploy.Tests.Infrastructure;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Deploy.Tests.Chaos;

/// <summary>
/// Needs PostgreSQL binaries and nginx: skipped with the reason outside CI when one is missing; with <c>CI=true</c> it
/// always runs (and fails if they are missing).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChaosFactAttribute : FactAttribute
{
    public ChaosFactAttribute()
    {
        if (ToolFactAttribute.InCi) return;
        if (PostgresTestServer.SkipReason is { } reason) Skip = reason;
        else if (ExternalTool.Find("nginx") is null) Skip = "nginx is not installed (apt-get install nginx); CI=true makes this a failure instead of a skip.";
    }
}
