namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>A test that needs both redis-server and PostgreSQL (several nodes sharing both); skipped as either would skip it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresRedisFactAttribute : FactAttribute
{
    public PostgresRedisFactAttribute()
    {
        Skip = new RedisFactAttribute().Skip ?? new OpenClaw.Runtime.Tests.ScaleOut.PostgresFactAttribute().Skip;
    }
}
