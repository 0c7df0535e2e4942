using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenClaw.Core.Storage;
using OpenClaw.Storage.Sqlite;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Sqlite;

/// <summary>Connections, pragmas, lifetime, registration and the SQLite-specific parts of the schema.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _folder = SqliteBackend.NewFolder();

    private string DataSource => Path.Combine(_folder, "nested", "openclaw.db");

    public void Dispose() => SqliteBackend.DeleteFolder(_folder);

    [Theory]
    [InlineData("")]
    [InlineData(":memory:")]
    [InlineData("Data Source=x.db")]
    public void Options_DataSourceMustBeAFilePath(string dataSource)
    {
        Assert.Throws<ArgumentException>(() => new SqliteDatabase(new SqliteStorageOptions { DataSource = dataSource }));
    }

    [Fact]
    public void Options_OutOfRangeValues_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => new SqliteDatabase(new SqliteStorageOptions { DataSource = DataSource, Synchronous = "OFF" }));
        Assert.Throws<ArgumentException>(() => new SqliteDatabase(new SqliteStorageOptions { DataSource = DataSource, BusyTimeoutMs = -1 }));
        Assert.Throws<ArgumentException>(() => new SqliteDatabase(new SqliteStorageOptions { DataSource = DataSource, MaxReaderConnections = 0 }));
    }

    [Theory]
    [InlineData("FULL", 2L)]
    [InlineData("normal", 1L)]
    public async Task Open_CreatesTheFolderAndConfiguresTheConnections(string synchronous, long expectedSynchronous)
    {
        await using var database = await SqliteDatabase.OpenAsync(
            new SqliteStorageOptions { DataSource = DataSource, Synchronous = synchronous, BusyTimeoutMs = 1234 });

        Assert.True(File.Exists(DataSource));
        using (var writer = await database.AcquireWriterAsync(CancellationToken.None))
        {
            Assert.Equal("wal", Scalar(writer.Connection, "PRAGMA journal_mode;"));
            Assert.Equal(1L, Scalar(writer.Connection, "PRAGMA foreign_keys;"));
            Assert.Equal(expectedSynchronous, Scalar(writer.Connection, "PRAGMA synchronous;"));
            Assert.Equal(1234L, Scalar(writer.Connection, "PRAGMA busy_timeout;"));
        }

        using var reader = await database.RentReaderAsync(CancellationToken.None);
        Assert.Equal(1L, Scalar(reader.Connection, "PRAGMA foreign_keys;"));
        Assert.Equal(1L, Scalar(reader.Connection, "PRAGMA query_only;"));
        Assert.Throws<SqliteException>(() => Scalar(reader.Connection, "DELETE FROM tasks;"));
    }

    [Fact]
    public async Task Stores_OpenTheDatabaseOnFirstUse()
    {
        await using var database = new SqliteDatabase(new SqliteStorageOptions { DataSource = DataSource });
        Assert.False(File.Exists(DataSource));

        var store = new SqliteWorkflowStore(database);
        await store.CreateAsync(Workflow("lazy"));

        Assert.NotNull(await store.GetAsync("default", "lazy"));
        Assert.True(File.Exists(DataSource));
    }

    [Fact]
    public async Task Dispose_ThenUse_Throws()
    {
        var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { DataSource = DataSource });
        var store = new SqliteExecutionStore(database);
        await store.NextDueAsync();

        await database.DisposeAsync();
        await database.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.NextDueAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CommitAsync([Create(Execution())]));
    }

    [Fact]
    public async Task Open_AFileThatIsNotADatabase_FailsWithTheCauseKept()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DataSource)!);
        await File.WriteAllTextAsync(DataSource, new string('x', 4096));

        var error = await Assert.ThrowsAsync<SqliteStorageException>(() => SqliteDatabase.OpenAsync(new SqliteStorageOptions { DataSource = DataSource }));

        Assert.Contains(DataSource, error.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public async Task ClaimQuery_WalksThePartialQueueIndex()
    {
        await using var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { DataSource = DataSource });
        using var reader = await database.RentReaderAsync(CancellationToken.None);
        using var command = reader.Connection.CreateCommand();
        command.CommandText =
            "EXPLAIN QUERY PLAN SELECT seq FROM tasks q WHERE status = 'queued' AND gate IS NULL AND run_at <= 0 " +
            "AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.tenant_id = q.tenant_id AND p.queue = q.queue) " +
            "ORDER BY priority DESC, run_at, seq LIMIT 10;";
        using var plan = command.ExecuteReader();
        var details = new List<string>();
        while (plan.Read())
        {
            details.Add(plan.GetString(3));
        }

        Assert.Contains(details, d => d.Contains("ix_tasks_claim", StringComparison.Ordinal));
        Assert.DoesNotContain(details, d => d.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkflowVersions_CannotBeUpdated()
    {
        await using var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { DataSource = DataSource });
        await new SqliteWorkflowStore(database).CreateAsync(Workflow("wf"));

        using var writer = await database.AcquireWriterAsync(CancellationToken.None);
        var error = Assert.Throws<SqliteException>(() => Scalar(writer.Connection, "UPDATE workflow_versions SET name = 'changed';"));
        Assert.Contains("immutable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_StepOfAnUnknownExecution_ViolatesTheForeignKeyAndRollsBack()
    {
        await using var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { DataSource = DataSource });
        var store = new SqliteExecutionStore(database);
        var known = Execution();
        var orphan = Step(Execution(), "orphan");

        await Assert.ThrowsAsync<SqliteException>(() => store.CommitAsync([Create(known, orphan)]));

        Assert.Null(await store.LoadAsync(known.Id));
    }

    [Fact]
    public async Task AddOpenClawSqlite_OpensAndMigratesAtHostStartup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOpenClawSqlite(o => o.DataSource = DataSource);
        using var host = builder.Build();

        Assert.False(File.Exists(DataSource));
        await host.StartAsync();
        Assert.True(File.Exists(DataSource));

        var services = host.Services;
        Assert.IsType<SqliteExecutionStore>(services.GetRequiredService<IExecutionStore>());
        Assert.IsType<SqliteExecutionQueries>(services.GetRequiredService<IExecutionQueries>());
        var workflows = Assert.IsType<SqliteWorkflowStore>(services.GetRequiredService<IWorkflowStore>());
        Assert.Same(services.GetRequiredService<SqliteDatabase>(), services.GetRequiredService<SqliteDatabase>());
        await workflows.CreateAsync(Workflow("via-di"));
        Assert.NotNull(await services.GetRequiredService<IWorkflowStore>().GetAsync("default", "via-di"));

        await host.StopAsync();
    }

    [Fact]
    public async Task AddOpenClawSqlite_BadDatabase_StopsTheHostAtStartup()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DataSource)!);
        await File.WriteAllTextAsync(DataSource, new string('x', 4096));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOpenClawSqlite(o => o.DataSource = DataSource);
        using var host = builder.Build();

        await Assert.ThrowsAsync<SqliteStorageException>(() => host.StartAsync());
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
