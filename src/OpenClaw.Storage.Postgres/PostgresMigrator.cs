using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// Applies the embedded <c>Migrations/*.sql</c> scripts in version order, each in its own transaction, and records them in
/// <c>schema_migrations</c>. Every transaction first takes a transaction-scoped advisory lock, so nodes starting at the
/// same moment queue behind each other and each version is applied exactly once. A database that carries a version
/// this build does not know was migrated by a newer build and is refused rather than guessed at.
/// </summary>
internal sealed partial class PostgresMigrator
{
    /// <summary>The advisory lock key (the ASCII bytes of "OpenClaw"); advisory locks are per database.</summary>
    public const long AdvisoryLockKey = 0x4F70656E436C6177;

    private readonly IReadOnlyList<SchemaMigration> _migrations;
    private readonly ILogger _logger;

    public PostgresMigrator(IReadOnlyList<SchemaMigration> migrations, ILogger logger)
    {
        if (SchemaMigrations.DescribeDuplicate(migrations) is { } duplicate) throw new PostgresStorageException(duplicate);

        _migrations = [.. migrations.OrderBy(m => m.Version)];
        _logger = logger;
    }

    /// <summary>The scripts compiled into this assembly.</summary>
    public static IReadOnlyList<SchemaMigration> EmbeddedMigrations { get; } = SchemaMigrations.LoadEmbedded(typeof(PostgresMigrator).Assembly);

    /// <summary>The highest version this build knows.</summary>
    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>Brings the database on <paramref name="connection"/> up to <see cref="LatestVersion"/>.</summary>
    /// <returns>The versions applied now (by this call; versions another node applied meanwhile are not listed).</returns>
    /// <exception cref="PostgresStorageException">The database is newer than this build, or a script failed (that script was rolled back).</exception>
    public async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        var appliedNow = new List<int>();
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey.ToString(CultureInfo.InvariantCulture)});", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL
                );
                """, cancellationToken).ConfigureAwait(false);

            var applied = await ReadAppliedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var newest = applied.Count == 0 ? 0 : applied.Max();
            if (newest > LatestVersion)
            {
                throw new PostgresStorageException(
                    $"Database '{connection.Database}' on '{connection.Host}' has schema migration {newest}, but this build of OpenClaw only knows migrations up to {LatestVersion}. " +
                    "It was migrated by a newer version; run that version (or a newer one) against it, or point this one at another database.");
            }

            var migration = _migrations.FirstOrDefault(m => !applied.Contains(m.Version));
            if (migration is null)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return appliedNow;
            }

            try
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                throw new PostgresStorageException(
                    $"Migration {migration.Version:D4}_{migration.Name} failed and was rolled back: {ex.MessageText} (SQLSTATE {ex.SqlState}).", ex);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now());", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            appliedNow.Add(migration.Version);
            _logger.LogInformation("Applied PostgreSQL migration {Version:D4}_{Name} to {Database}.", migration.Version, migration.Name, connection.Database);
        }
    }

    private static async Task<HashSet<int>> ReadAppliedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations;", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
