using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Database;

/// <summary>The database engines <c>database-query</c> speaks, and what differs between them.</summary>
internal abstract class DatabaseProvider
{
    public static readonly DatabaseProvider Postgres = new PostgresProvider();
    public static readonly DatabaseProvider Sqlite = new SqliteProvider();

    public abstract string Name { get; }

    /// <summary>Finds the provider for a credential type or the <c>provider</c> input.</summary>
    public static DatabaseProvider? Find(string name) => name.Trim().ToLowerInvariant() switch
    {
        "postgres" or "postgresql" or "npgsql" => Postgres,
        "sqlite" => Sqlite,
        _ => null,
    };

    /// <summary>Creates a closed connection.</summary>
    /// <exception cref="PluginException">The connection string does not parse (not retryable). It is never quoted: it may hold a password.</exception>
    public DbConnection CreateConnection(string connectionString)
    {
        try
        {
            return Create(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new PluginException($"the {Name} connection string is invalid: {e.Message}", retryable: false, e);
        }
    }

    protected abstract DbConnection Create(string connectionString);

    /// <summary>Adds one named parameter; <paramref name="value"/> is a scalar, array or object from the step's inputs.</summary>
    public abstract void AddParameter(DbCommand command, string name, JsonNode? value);

    /// <summary>Turns a driver error into a failure for the workflow author, or returns <see langword="null"/> when it is not one.</summary>
    public abstract PluginException? Describe(Exception exception);

    /// <summary>
    /// Stops a query whose remaining rows are not wanted. PostgreSQL would otherwise stream every remaining row to us while
    /// the reader is closed; SQLite produces rows on demand and needs nothing.
    /// </summary>
    public virtual void Abandon(DbCommand command)
    {
    }

    protected static object ScalarOrText(JsonNode? value) => value switch
    {
        null => DBNull.Value,
        JsonValue scalar => JsonScalars.ToClr(scalar) ?? DBNull.Value,
        _ => value.ToJsonString(),
    };

    private sealed class PostgresProvider : DatabaseProvider
    {
        public override string Name => "PostgreSQL";

        protected override DbConnection Create(string connectionString) => new NpgsqlConnection(connectionString);

        public override void AddParameter(DbCommand command, string name, JsonNode? value)
        {
            var parameter = new NpgsqlParameter { ParameterName = name };
            switch (value)
            {
                case JsonArray array when TypedArray(array) is { } typed:
                    parameter.Value = typed; // so "id = ANY(@ids)" works
                    break;
                case JsonObject or JsonArray:
                    parameter.NpgsqlDbType = NpgsqlDbType.Jsonb;
                    parameter.Value = value.ToJsonString();
                    break;
                default:
                    parameter.Value = ScalarOrText(value);
                    break;
            }
            command.Parameters.Add(parameter);
        }

        /// <summary>An array of one scalar type (strings, integers, numbers or booleans) as a PostgreSQL array; otherwise null.</summary>
        private static Array? TypedArray(JsonArray array)
        {
            if (array.Count == 0 || array.Any(n => n is not JsonValue)) return null;
            var values = array.Select(n => JsonScalars.ToClr((JsonValue)n!)).ToList();
            if (values.All(v => v is string)) return values.Cast<string>().ToArray();
            if (values.All(v => v is long)) return values.Cast<long>().ToArray();
            if (values.All(v => v is long or decimal)) return values.Select(v => Convert.ToDecimal(v, CultureInfo.InvariantCulture)).ToArray();
            if (values.All(v => v is long or decimal or double)) return values.Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray();
            if (values.All(v => v is bool)) return values.Cast<bool>().ToArray();
            return null;
        }

        public override PluginException? Describe(Exception exception) => exception switch
        {
            PostgresException pg => new PluginException(
                $"PostgreSQL error {pg.SqlState}: {pg.MessageText}"
                    + (pg.Position > 0 ? $" (at character {pg.Position.ToString(CultureInfo.InvariantCulture)} of the query)" : "")
                    + (pg.Detail is { Length: > 0 } detail ? $"; {detail}" : ""),
                retryable: pg.IsTransient, pg),
            NpgsqlException npgsql => new PluginException($"PostgreSQL connection failed: {npgsql.Message}", retryable: npgsql.IsTransient, npgsql),
            _ => null,
        };

        public override void Abandon(DbCommand command)
        {
            try
            {
                command.Cancel();
            }
            catch (NpgsqlException)
            {
                // The query finished in the meantime; the rest of its rows are drained instead.
            }
        }
    }

    private sealed class SqliteProvider : DatabaseProvider
    {
        private const int Busy = 5;
        private const int Locked = 6;

        public override string Name => "SQLite";

        protected override DbConnection Create(string connectionString) => new SqliteConnection(connectionString);

        // SQLite has no JSON type: objects and arrays are stored as JSON text, which its json_* functions read.
        public override void AddParameter(DbCommand command, string name, JsonNode? value) =>
            command.Parameters.Add(new SqliteParameter(name, ScalarOrText(value)));

        public override PluginException? Describe(Exception exception) => exception switch
        {
            SqliteException sqlite => new PluginException(
                $"SQLite error {sqlite.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)}: {sqlite.Message}",
                retryable: sqlite.SqliteErrorCode is Busy or Locked, sqlite),
            _ => null,
        };
    }
}
