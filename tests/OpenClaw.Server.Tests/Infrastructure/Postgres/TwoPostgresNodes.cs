using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Storage.Postgres;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>Two servers (nodes) on one throwaway PostgreSQL database, each listening for the other's notifications.</summary>
public sealed class TwoPostgresNodes : IAsyncDisposable
{
    private readonly PostgresTestServer _postgres;
    private readonly string _database;
    private readonly string[] _directories;

    private TwoPostgresNodes(PostgresTestServer postgres, string database, string[] directories, TestServer a, TestServer b)
    {
        _postgres = postgres;
        _database = database;
        _directories = directories;
        A = a;
        B = b;
    }

    public TestServer A { get; }

    public TestServer B { get; }

    /// <summary>Runs <paramref name="test"/> on two fresh nodes and tears them down.</summary>
    /// <param name="extraArgs">Settings both nodes get besides the shared database (e.g. a shared Redis).</param>
    public static async Task RunAsync(string[] extraArgs, Func<TestServer, TestServer, Task> test)
    {
        await using var nodes = await StartAsync(extraArgs);
        await test(nodes.A, nodes.B);
    }

    /// <param name="extraArgs">Settings both nodes get besides the shared database (e.g. a shared Redis).</param>
    public static async Task<TwoPostgresNodes> StartAsync(params string[] extraArgs)
    {
        var postgres = await PostgresTestServer.GetAsync();
        var (database, connectionString) = await postgres.CreateDatabaseAsync();
        var directories = new[] { TestServer.NewDataDirectory(), TestServer.NewDataDirectory() };
        string[] Node() => ["--OpenClaw:Storage", "postgres", "--OpenClaw:PostgresConnectionString", connectionString, .. extraArgs];
        var a = await TestServer.StartAsync(directories[0], Node());
        var b = await TestServer.StartAsync(directories[1], Node());
        var nodes = new TwoPostgresNodes(postgres, database, directories, a, b);
        // Each listener clears its node's cache when it (re)connects (invalidations may have been missed): let that pass first.
        foreach (var node in (TestServer[])[a, b])
            await node.Services.GetRequiredService<PostgresQueueListener>().WaitUntilListeningAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return nodes;
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        foreach (var directory in _directories) TestServer.DeleteDirectory(directory);
        await _postgres.DropDatabaseAsync(_database);
    }
}
