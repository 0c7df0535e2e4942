using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Storage.Sqlite;

using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Tests.Sqlite;

/// <summary>Versioned migrations: applied once, in order, each atomically; a newer database is refused.</summary>
public sealed class SqliteMigratorTests : IDisposable
{
    private readonly string _folder = SqliteBackend.NewFolder();

    private string DataSource => Path.Combine(_folder, "openclaw.db");

    public void Dispose() => SqliteBackend.DeleteFolder(_folder);

    [Fact]
    public void EmbeddedMigrations_AreNumberedUniquelyFromTheInitialOne()
    {
        var versions = SqliteMigrator.EmbeddedMigrations.Select(m => m.Version).Order().ToList();

        // Branches number their migrations in blocks (0002 scheduler, 0005 platform, ...), so gaps are expected; clashes are not.
        Assert.Equal(versions.Distinct(), versions);
        Assert.Equal(1, versions[0]);
        Assert.Equal("initial", SqliteMigrator.EmbeddedMigrations.Single(m => m.Version == 1).Name);
    }

    [Fact]
    public async Task Open_AppliesEachMigrationOnceAndRecordsIt()
    {
        await using (var database = await SqliteDatabase.OpenAsync(SqliteBackend.Options(DataSource)))
        {
        }

        var first = ReadMigrations();
        Assert.Equal(SqliteMigrator.EmbeddedMigrations.Select(m => (m.Version, m.Name)).Order(), first.Select(m => (m.Version, m.Name)));
        Assert.All(first, m => Assert.True(m.AppliedAt > 0));
        Assert.Equal(
            [
                "access_log", "api_keys", "audit_records", "credentials", "execution_slots", "notification_deliveries", "notification_inbox",
                "notification_rules", "notification_watermarks", "oauth_clients", "plugins", "queue_pauses", "refresh_tokens", "schedules",
                "schema_migrations", "security_events", "server_keys", "task_attempts", "tasks", "tenants", "triggers", "users",
                "workflow_executions", "workflow_shares", "workflow_versions", "workflows",
            ],
            Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;", r => r.GetString(0)));

        await using (var again = await SqliteDatabase.OpenAsync(SqliteBackend.Options(DataSource)))
        {
        }

        Assert.Equal(first, ReadMigrations());
    }

    [Fact]
    public async Task Open_DatabaseMigratedByANewerBuild_IsRefused()
    {
        await using (var database = await SqliteDatabase.OpenAsync(SqliteBackend.Options(DataSource)))
        {
        }

        Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', 1);");

        var error = await Assert.ThrowsAsync<SqliteStorageException>(() => SqliteDatabase.OpenAsync(SqliteBackend.Options(DataSource)));

        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
        Assert.Equal(9999, ReadMigrations().Max(m => m.Version));
    }

    [Fact]
    public void Migrate_AppliesOnlyMigrationsNotYetApplied()
    {
        using var connection = OpenRaw();
        SchemaMigration[] two = [new(1, "one", "CREATE TABLE one (x INTEGER);"), new(2, "two", "CREATE TABLE two (x INTEGER);")];

        Assert.Equal([1, 2], Migrator(two).Migrate(connection));
        Assert.Empty(Migrator(two).Migrate(connection));
        Assert.Equal([3], Migrator([.. two, new(3, "three", "CREATE TABLE three (x INTEGER);")]).Migrate(connection));
        Assert.Equal([1, 2, 3], ReadMigrations().Select(m => m.Version));
    }

    [Fact]
    public void Migrate_FailingScript_IsRolledBackAndEarlierOnesStay()
    {
        using var connection = OpenRaw();
        SchemaMigration[] migrations =
        [
            new(1, "good", "CREATE TABLE good (x INTEGER);"),
            new(2, "bad", "CREATE TABLE half (x INTEGER); INSERT INTO good VALUES (1); THIS IS NOT SQL;"),
        ];

        var error = Assert.Throws<SqliteStorageException>(() => Migrator(migrations).Migrate(connection));

        Assert.Contains("0002_bad", error.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(error.InnerException);
        Assert.Equal([1], ReadMigrations().Select(m => m.Version));
        Assert.Empty(Query("SELECT name FROM sqlite_master WHERE name = 'half';", r => r.GetString(0)));
        Assert.Empty(Query("SELECT x FROM good;", r => r.GetInt64(0)));
    }

    [Fact]
    public void Migrator_DuplicateVersions_AreRejected()
    {
        Assert.Throws<SqliteStorageException>(() => Migrator([new(1, "a", ""), new(1, "b", "")]));
    }

    [Fact]
    public async Task Open_SeveralProcessesAtOnce_MigrateExactlyOnce()
    {
        var opens = Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqliteDatabase.OpenAsync(SqliteBackend.Options(DataSource)))).ToArray();
        var databases = await Task.WhenAll(opens);
        foreach (var database in databases)
        {
            await database.DisposeAsync();
        }

        Assert.Equal(SqliteMigrator.EmbeddedMigrations.Count, ReadMigrations().Count);
    }

    private static SqliteMigrator Migrator(IReadOnlyList<SchemaMigration> migrations) => new(migrations, NullLogger.Instance);

    private SqliteConnection OpenRaw()
    {
        Directory.CreateDirectory(_folder);
        var connection = new SqliteConnection($"Data Source={DataSource};Pooling=False");
        connection.Open();
        return connection;
    }

    private List<(int Version, string Name, long AppliedAt)> ReadMigrations() =>
        Query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version;", r => (r.GetInt32(0), r.GetString(1), r.GetInt64(2)));

    private void Execute(string sql) => Query(sql, _ => 0);

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
