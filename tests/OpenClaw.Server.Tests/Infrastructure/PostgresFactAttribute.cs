using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>A test that needs PostgreSQL: skipped with the reason where no binaries are installed, never in CI (<c>CI=true</c>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestServer.SkipReason is { } reason) Skip = reason;
    }
}
