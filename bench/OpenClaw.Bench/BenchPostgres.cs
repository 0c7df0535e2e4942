using Npgsql;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Bench;

/// <summary>
/// The PostgreSQL server the PostgreSQL scenarios use: the test suite's throwaway cluster (initdb into a temporary
/// folder, 127.0.0.1, fsync off, removed when the bench exits), or the server given with <c>--postgres</c> (its role
/// needs CREATEDB). Each measured point gets a fresh migrated database.
/// </summary>
internal static class BenchPostgres
{
    /// <summary>Use an existing server instead of a throwaway cluster; call before the first database is made.</summary>
    public static void UseServer(string connectionString) => Environment.SetEnvironmentVariable(PostgresTestServer.ServerVariable, connectionString);

    public static async Task<(PostgresTestServer Server, string Name, string ConnectionString)> CreateDatabaseAsync()
    {
        var server = await PostgresTestServer.GetAsync();
        var (name, connectionString) = await server.CreateDatabaseAsync();
        return (server, name, connectionString);
    }

    public static async Task DropDatabaseAsync(PostgresTestServer server, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await server.DropDatabaseAsync(name);
    }
}
