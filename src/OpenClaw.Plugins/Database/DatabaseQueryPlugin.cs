using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Database;

/// <summary>Runs one parameterised SQL statement against PostgreSQL or SQLite.</summary>
/// <remarks>
/// <para>Values reach the database only as bound parameters: <c>parameters</c> is an object of name to value, written
/// <c>@name</c> in the query (SQLite also accepts <c>$name</c> and <c>:name</c>). The query text is never combined with
/// values, so a value can hold anything, quotes and SQL included, and stays data. For PostgreSQL, an array of strings or
/// numbers becomes a PostgreSQL array (<c>id = ANY(@ids)</c>), other arrays and objects <c>jsonb</c>; strings are
/// <c>text</c>, so cast where another type is meant (<c>@since::timestamptz</c>).</para>
/// <para>The database comes from a credential of type <c>postgres</c> or <c>sqlite</c> holding a
/// <c>connection_string</c>, or from inline <c>connection_string</c> and <c>provider</c>.</para>
/// <para>Errors in the statement (syntax, constraint violations, wrong types) fail the step without retry; connection
/// failures, deadlocks, serialization failures, SQLite's busy database and timeouts are retried.</para>
/// </remarks>
[Plugin("database-query", Version = "1.0.0", Author = "OpenClaw", Category = "database",
    Tags = ["database", "sql", "postgresql", "sqlite", "query"],
    Permissions = [PluginPermissions.Database, PluginPermissions.Network, PluginPermissions.Credentials],
    Description = "Runs a parameterised SQL query or statement on PostgreSQL or SQLite and returns the rows or the number affected.")]
public sealed partial class DatabaseQueryPlugin : Plugin
{
    private const int DefaultMaxRows = 10_000;
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] Modes = ["query", "execute", "scalar"];

    private static readonly PluginSchema Inputs = PluginSchema.Of(
        new PluginField("query", "string", Required: true, Description: "One SQL statement; refer to parameters as @name."),
        new PluginField("parameters", "object",
            Description: "Values bound to the query's parameters by name, e.g. { \"id\": 42 } for @id. Never spliced into the SQL."),
        new PluginField("mode", "string",
            Description: "query returns rows; execute returns the number of rows affected; scalar returns the first column of the first row.",
            Default: "query", Enum: Modes),
        new PluginField("connection", "string", Description: "Name of a postgres or sqlite credential holding a connection_string."),
        new PluginField("connection_string", "string", Description: "Inline connection string, with provider, when no credential is used."),
        new PluginField("provider", "string", Description: "Database engine of an inline connection_string.", Enum: ["postgres", "sqlite"]),
        new PluginField("max_rows", "integer", Description: "Most rows returned in query mode; more set truncated to true.", Default: DefaultMaxRows),
        new PluginField("timeout", "any", Description: "Time allowed for the statement, as seconds (10) or with a unit (500ms, 10s, 2m).",
            Default: "30s"));

    private static readonly PluginSchema Outputs = PluginSchema.Of(
        new PluginField("rows", "array", Description: "Query mode: one object per row, column name to value."),
        new PluginField("row_count", "integer", Description: "Query mode: number of rows returned."),
        new PluginField("columns", "array", Description: "Query mode: the column names, in order."),
        new PluginField("truncated", "boolean", Description: "Query mode: true when the result had more than max_rows rows."),
        new PluginField("affected", "integer", Description: "Execute mode: rows inserted, updated or deleted."),
        new PluginField("value", "any", Description: "Scalar mode: the first column of the first row, or null."));

    /// <inheritdoc />
    public override PluginSchema InputSchema => Inputs;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => Outputs;

    /// <inheritdoc />
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var query = PluginInputs.RequireString(inputs, "query");
        if (string.IsNullOrWhiteSpace(query)) throw PluginInputs.Invalid("input 'query' is empty");
        var mode = (PluginInputs.OptionalString(inputs, "mode") ?? "query").ToLowerInvariant();
        if (!Modes.Contains(mode)) throw PluginInputs.Invalid($"input 'mode' must be one of {string.Join(", ", Modes)}; got '{mode}'");
        var maxRows = ReadMaxRows(inputs);
        var timeout = DefaultTimeout;
        if (inputs["timeout"] is { } timeoutNode && !Durations.TryParse(timeoutNode, out timeout))
            throw PluginInputs.Invalid($"input 'timeout' must be a positive duration such as 30, \"500ms\" or \"2m\"; got {timeoutNode.ToJsonString()}");
        var parameters = PluginInputs.OptionalObject(inputs, "parameters") ?? [];
        var (provider, connectionString) = await ResolveConnectionAsync(inputs, context).ConfigureAwait(false);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        deadline.CancelAfter(timeout);
        var cancellationToken = deadline.Token;
        try
        {
            var connection = provider.CreateConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.CommandText = query;
                    command.CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds);
                    foreach (var (name, value) in parameters) provider.AddParameter(command, ParameterName(name), value);

                    var output = mode switch
                    {
                        "execute" => new JsonObject
                        {
                            ["affected"] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false),
                        },
                        "scalar" => new JsonObject
                        {
                            ["value"] = ToJson(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), null),
                        },
                        _ => await ReadRowsAsync(provider, command, maxRows, cancellationToken).ConfigureAwait(false),
                    };
                    context.Logger.LogDebug("{Provider} {Mode} finished", provider.Name, mode);
                    return output;
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (deadline.IsCancellationRequested && e is OperationCanceledException or DbException)
        {
            throw new PluginException($"the {provider.Name} {mode} timed out after {Durations.Format(timeout)}", retryable: true, e);
        }
        catch (Exception e) when (provider.Describe(e) is { } failure)
        {
            throw failure;
        }
        catch (Exception e) when (e is InvalidCastException or NotSupportedException or OverflowException)
        {
            // The driver could not convert a parameter or a column value; the same data fails the same way again.
            throw new PluginException($"{provider.Name} could not convert a value: {e.Message}", retryable: false, e);
        }
    }

    private static async Task<JsonObject> ReadRowsAsync(DatabaseProvider provider, DbCommand command, int maxRows, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var columns = ColumnNames(reader);
            var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetDataTypeName).ToArray();
            var rows = new JsonArray();
            var truncated = false;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (rows.Count == maxRows)
                {
                    truncated = true;
                    provider.Abandon(command);
                    break;
                }
                var row = new JsonObject();
                for (var i = 0; i < columns.Length; i++)
                    row[columns[i]] = ToJson(await reader.IsDBNullAsync(i, cancellationToken).ConfigureAwait(false) ? null : reader.GetValue(i), types[i]);
                rows.Add(row);
                cancellationToken.ThrowIfCancellationRequested(); // SQLite computes rows on demand and checks no token itself
            }
            return new JsonObject
            {
                ["rows"] = rows,
                ["row_count"] = rows.Count,
                ["columns"] = new JsonArray([.. columns.Select(c => (JsonNode?)JsonValue.Create(c))]),
                ["truncated"] = truncated,
            };
        }
    }

    /// <summary>Column names, with repeats (two columns called id) made unique as id_2, id_3, so no value is lost.</summary>
    private static string[] ColumnNames(DbDataReader reader)
    {
        var names = new string[reader.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = reader.GetName(i) is { Length: > 0 } given ? given : $"column_{(i + 1).ToString(CultureInfo.InvariantCulture)}";
            var unique = name;
            for (var n = 2; !seen.Add(unique); n++) unique = $"{name}_{n.ToString(CultureInfo.InvariantCulture)}";
            names[i] = unique;
        }
        return names;
    }

    /// <summary>A database value as JSON: numbers, text and booleans as they are; times in ISO 8601; bytes in base64; json columns parsed.</summary>
    internal static JsonNode? ToJson(object? value, string? dataTypeName) => value switch
    {
        null or DBNull => null,
        string text when dataTypeName is "json" or "jsonb" => ParseJson(text),
        string or bool or short or int or long or byte or sbyte or ushort or uint or ulong or decimal => JsonValue.Create(value),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture)),
        float f => double.IsFinite(f) ? JsonValue.Create((double)f) : JsonValue.Create(f.ToString(CultureInfo.InvariantCulture)),
        char c => JsonValue.Create(c.ToString()),
        DateTime dateTime => JsonValue.Create(dateTime.ToString("O", CultureInfo.InvariantCulture)),
        DateTimeOffset offset => JsonValue.Create(offset.ToString("O", CultureInfo.InvariantCulture)),
        DateOnly date => JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        TimeOnly time => JsonValue.Create(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        TimeSpan span => JsonValue.Create(span.ToString("c", CultureInfo.InvariantCulture)),
        Guid guid => JsonValue.Create(guid.ToString()),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        Array array => new JsonArray([.. array.Cast<object?>().Select(item => ToJson(item, null))]),
        BitArray bits => JsonValue.Create(string.Concat(bits.Cast<bool>().Select(b => b ? '1' : '0'))),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static int ReadMaxRows(JsonObject inputs)
    {
        if (inputs["max_rows"] is not { } node) return DefaultMaxRows;
        if (node is JsonValue value && JsonScalars.ToClr(value) is long rows && rows is > 0 and <= int.MaxValue) return (int)rows;
        throw PluginInputs.Invalid($"input 'max_rows' must be a positive integer; got {node.ToJsonString()}");
    }

    /// <summary>Accepts <c>id</c>, <c>@id</c>, <c>$id</c> or <c>:id</c> as the key, and binds it as <c>id</c>.</summary>
    private static string ParameterName(string key)
    {
        var name = key.Length > 0 && key[0] is '@' or '$' or ':' ? key[1..] : key;
        return ParameterNamePattern().IsMatch(name)
            ? name
            : throw PluginInputs.Invalid($"input 'parameters': '{key}' is not a valid parameter name (letters, digits and _, not starting with a digit)");
    }

    private static async ValueTask<(DatabaseProvider Provider, string ConnectionString)> ResolveConnectionAsync(JsonObject inputs, PluginContext context)
    {
        var credentialName = PluginInputs.OptionalString(inputs, "connection");
        var inline = PluginInputs.OptionalString(inputs, "connection_string");
        var providerName = PluginInputs.OptionalString(inputs, "provider");

        if (credentialName is not null)
        {
            if (inline is not null) throw PluginInputs.Invalid("give either input 'connection' or input 'connection_string', not both");
            var credential = await context.GetCredentialAsync(credentialName, context.CancellationToken).ConfigureAwait(false)
                ?? throw PluginInputs.Invalid($"credential '{credentialName}' does not exist or is not granted to this step");
            // A generic 'database' credential names its provider in a field; 'postgres' and 'sqlite' credentials are the provider.
            var providerText = credential.Type.Equals("database", StringComparison.OrdinalIgnoreCase) ? credential.Values.GetValueOrDefault("provider") ?? "" : credential.Type;
            var provider = DatabaseProvider.Find(providerText)
                ?? throw PluginInputs.Invalid($"credential '{credentialName}' is of type '{credential.Type}'; database-query needs type 'postgres' or 'sqlite', or 'database' with a 'provider'");
            var connectionString = credential.Values.GetValueOrDefault("connection_string");
            if (string.IsNullOrWhiteSpace(connectionString)) throw PluginInputs.Invalid($"credential '{credentialName}' has no 'connection_string'");
            return (provider, connectionString);
        }

        if (string.IsNullOrWhiteSpace(inline))
            throw PluginInputs.Invalid("give the database: input 'connection' (a postgres or sqlite credential) or input 'connection_string' with 'provider'");
        if (providerName is null) throw PluginInputs.Invalid("input 'provider' (postgres or sqlite) is required with input 'connection_string'");
        return (DatabaseProvider.Find(providerName) ?? throw PluginInputs.Invalid($"input 'provider' must be postgres or sqlite; got '{providerName}'"),
            inline);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ParameterNamePattern();
}
