using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Sqlite;

/// <summary>
/// Applies the embedded <c>Migrations/*.sql</c> scripts in version order, each in its own transaction, and records them in
/// <c>schema_migrations</c>. Already-applied versions are skipped, so running it at every start is safe; a database that
/// carries a version this build does not know was migrated by a newer build and is refused rather than guessed at.
/// </summary>
internal sealed partial class SqliteMigrator
{
    private readonly IReadOnlyList<SchemaMigration> _migrations;
    private readonly ILogger _logger;

    public SqliteMigrator(IReadOnlyList<SchemaMigration> migrations, ILogger logger)
    {
        if (SchemaMigrations.DescribeDuplicate(migrations) is { } duplicate) throw new SqliteStorageException(duplicate);

        _migrations = [.. migrations.OrderBy(m => m.Version)];
        _logger = logger;
    }

    /// <summary>The scripts compiled into this assembly.</summary>
    public static IReadOnlyList<SchemaMigration> EmbeddedMigrations { get; } = SchemaMigrations.LoadEmbedded(typeof(SqliteMigrator).Assembly);

    /// <summary>The highest version this build knows.</summary>
    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>Brings the database on <paramref name="connection"/> up to <see cref="LatestVersion"/>.</summary>
    /// <returns>The versions applied now.</returns>
    /// <exception cref="SqliteStorageException">The database is newer than this build, or a script failed (that script was rolled back).</exception>
    public IReadOnlyList<int> Migrate(SqliteConnection connection)
    {
        Execute(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at INTEGER NOT NULL
            ) STRICT;
            """);

        var applied = ReadApplied(connection, null);
        var newest = applied.Count == 0 ? 0 : applied.Max();
        if (newest > LatestVersion)
        {
            throw new SqliteStorageException(
                $"Database '{connection.DataSource}' has schema migration {newest}, but this build of OpenClaw only knows migrations up to {LatestVersion}. " +
                "It was migrated by a newer version; run that version (or a newer one) against it, or point this one at another file.");
        }

        var appliedNow = new List<int>();
        foreach (var migration in _migrations)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            // BEGIN IMMEDIATE: another process starting at the same moment waits here, then sees the row and skips.
            using var transaction = connection.BeginTransaction();
            if (ReadApplied(connection, transaction).Contains(migration.Version))
            {
                continue;
            }

            try
            {
                Execute(connection, transaction, migration.Sql);
            }
            catch (SqliteException ex)
            {
                throw new SqliteStorageException(
                    $"Migration {migration.Version:D4}_{migration.Name} failed and was rolled back: {ex.Message}", ex);
            }

            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @applied_at);";
                record.Parameters.AddWithValue("@version", migration.Version);
                record.Parameters.AddWithValue("@name", migration.Name);
                record.Parameters.AddWithValue("@applied_at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                record.ExecuteNonQuery();
            }

            transaction.Commit();
            appliedNow.Add(migration.Version);
            _logger.LogInformation("Applied SQLite migration {Version:D4}_{Name} to {DataSource}.", migration.Version, migration.Name, connection.DataSource);
        }

        return appliedNow;
    }

    private static HashSet<int> ReadApplied(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM schema_migrations;";
        using var reader = command.ExecuteReader();
        var versions = new HashSet<int>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
