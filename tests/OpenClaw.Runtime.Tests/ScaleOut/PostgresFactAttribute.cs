using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Runtime.Tests.ScaleOut;

/// <summary>
/// A test that needs PostgreSQL: skipped with <see cref="PostgresTestServer.SkipReason"/> where no binaries are installed,
/// but never in CI (<c>CI=true</c>), where it runs and fails loudly instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestServer.SkipReason is { } reason) Skip = reason;
    }
}
