using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenClaw.Storage.Postgres;

using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Tests.Postgres;

/// <summary>Versioned migrations on PostgreSQL: applied once, in order, each atomically, under an advisory lock; a newer database is refused.</summary>
public sealed class PostgresMigratorTests : IAsyncLifetime
{
    private string _name = "";
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        if (PostgresTestServer.SkipReason is null)
        {
            (_name, _connectionString) = await (await PostgresTestServer.GetAsync()).CreateDatabaseAsync(migrated: false);
        }
    }

    public async Task DisposeAsync()
    {
        if (_name.Length > 0)
        {
            await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(_name);
        }
    }

    [Fact]
    public void EmbeddedMigrations_AreNumberedUniquelyFromTheInitialOne()
    {
        var versions = PostgresMigrator.EmbeddedMigrations.Select(m => m.Version).Order().ToList();

        // Branches number their migrations in blocks (0002 scheduler, 0005 platform, ...), so gaps are expected; clashes are not.
        Assert.Equal(versions.Distinct(), versions);
        Assert.Equal(1, versions[0]);
        Assert.Equal("initial", PostgresMigrator.EmbeddedMigrations.Single(m => m.Version == 1).Name);
        // Both backends move through the same schema versions.
        Assert.Equal(
            OpenClaw.Storage.Sqlite.SqliteMigrator.EmbeddedMigrations.Select(m => (m.Version, m.Name)).Order(),
            PostgresMigrator.EmbeddedMigrations.Select(m => (m.Version, m.Name)).Order());
    }

    [PostgresFact]
    public async Task Open_AppliesEachMigrationOnceAndRecordsIt()
    {
        await using (var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString)))
        {
        }

        var first = await ReadMigrationsAsync();
        Assert.Equal(PostgresMigrator.EmbeddedMigrations.Select(m => (m.Version, m.Name)).Order(), first.Select(m => (m.Version, m.Name)));
        Assert.All(first, m => Assert.True(m.AppliedAt > DateTime.UnixEpoch));
        Assert.Equal(
            [
                "access_log", "api_keys", "audit_records", "credentials", "execution_slots", "notification_deliveries", "notification_inbox",
                "notification_rules", "notification_watermarks", "oauth_clients", "plugins", "queue_pauses", "refresh_tokens", "schedules",
                "schema_migrations", "security_events", "server_keys", "task_attempts", "tasks", "tenants", "triggers", "users",
                "workflow_executions", "workflow_shares", "workflow_versions", "workflows",
            ],
            await QueryAsync("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1;", r => r.GetString(0)));

        await using (var again = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString)))
        {
        }

        Assert.Equal(first, await ReadMigrationsAsync());
    }

    [PostgresFact]
    public async Task Open_SeveralNodesAtOnce_MigrateExactlyOnce()
    {
        var opens = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString))))
            .ToArray();
        var databases = await Task.WhenAll(opens);
        foreach (var database in databases)
        {
            await database.DisposeAsync();
        }

        Assert.Equal(PostgresMigrator.EmbeddedMigrations.Count, (await ReadMigrationsAsync()).Count);
    }

    [PostgresFact]
    public async Task Open_DatabaseMigratedByANewerBuild_IsRefused()
    {
        await using (var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString)))
        {
        }

        await QueryAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', now());", _ => 0);

        var error = await Assert.ThrowsAsync<PostgresStorageException>(() => PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString)));

        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
        Assert.Equal(9999, (await ReadMigrationsAsync()).Max(m => m.Version));
    }

    [PostgresFact]
    public async Task Migrate_AppliesOnlyMigrationsNotYetApplied()
    {
        await using var connection = await OpenRawAsync();
        SchemaMigration[] two = [new(1, "one", "CREATE TABLE one (x integer);"), new(2, "two", "CREATE TABLE two (x integer);")];

        Assert.Equal([1, 2], await Migrator(two).MigrateAsync(connection));
        Assert.Empty(await Migrator(two).MigrateAsync(connection));
        Assert.Equal([3], await Migrator([.. two, new(3, "three", "CREATE TABLE three (x integer);")]).MigrateAsync(connection));
        Assert.Equal([1, 2, 3], (await ReadMigrationsAsync()).Select(m => m.Version));
    }

    [PostgresFact]
    public async Task Migrate_FailingScript_IsRolledBackAndEarlierOnesStay()
    {
        await using var connection = await OpenRawAsync();
        SchemaMigration[] migrations =
        [
            new(1, "good", "CREATE TABLE good (x integer);"),
            new(2, "bad", "CREATE TABLE half (x integer); INSERT INTO good VALUES (1); THIS IS NOT SQL;"),
        ];

        var error = await Assert.ThrowsAsync<PostgresStorageException>(() => Migrator(migrations).MigrateAsync(connection));

        Assert.Contains("0002_bad", error.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(error.InnerException);
        Assert.Equal([1], (await ReadMigrationsAsync()).Select(m => m.Version));
        Assert.Empty(await QueryAsync("SELECT table_name::text FROM information_schema.tables WHERE table_name = 'half';", r => r.GetString(0)));
        Assert.Empty(await QueryAsync("SELECT x FROM good;", r => r.GetInt32(0)));
    }

    [Fact]
    public void Migrator_DuplicateVersions_AreRejected()
    {
        Assert.Throws<PostgresStorageException>(() => Migrator([new(1, "a", ""), new(1, "b", "")]));
    }

    private static PostgresMigrator Migrator(IReadOnlyList<SchemaMigration> migrations) => new(migrations, NullLogger.Instance);

    private async Task<NpgsqlConnection> OpenRawAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private Task<List<(int Version, string Name, DateTime AppliedAt)>> ReadMigrationsAsync() =>
        QueryAsync("SELECT version, name, applied_at FROM schema_migrations ORDER BY version;", r => (r.GetInt32(0), r.GetString(1), r.GetDateTime(2)));

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = await OpenRawAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
