using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>Two API nodes (each with its own data folder) on one throwaway PostgreSQL database, torn down after the test.</summary>
public static class TwoNodes
{
    /// <param name="extraArgs">Settings both nodes get besides the shared database (e.g. a shared Redis).</param>
    public static async Task RunAsync(string[] extraArgs, Func<TestServer, TestServer, Task> test)
    {
        var postgres = await PostgresTestServer.GetAsync();
        var (database, connectionString) = await postgres.CreateDatabaseAsync();
        var directories = new[] { TestServer.NewDataDirectory(), TestServer.NewDataDirectory() };
        string[] Node() => ["--OpenClaw:Storage", "postgres", "--OpenClaw:PostgresConnectionString", connectionString, .. extraArgs];
        var a = await TestServer.StartAsync(directories[0], Node());
        var b = await TestServer.StartAsync(directories[1], Node());
        try
        {
            await test(a, b);
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
            foreach (var directory in directories) TestServer.DeleteDirectory(directory);
            await postgres.DropDatabaseAsync(database);
        }
    }
}
