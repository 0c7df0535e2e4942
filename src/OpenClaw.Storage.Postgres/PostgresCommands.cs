using Npgsql;
using NpgsqlTypes;

namespace OpenClaw.Storage.Postgres;

/// <summary>
/// Positional-parameter commands for the security stores: values are bound as <c>$1, $2, ...</c> with times converted to
/// UTC millisecond <see cref="DateTime"/>s (as SQLite stores them) and nulls to typed NULLs.
/// </summary>
internal static class PostgresCommands
{
    public static NpgsqlCommand Create(NpgsqlConnection connection, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(Parameter(value));
        return command;
    }

    public static async Task<IReadOnlyList<T>> ReadAsync<T>(
        PostgresDatabase database, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Create(connection, sql, values);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) result.Add(read(reader));
        return result;
    }

    public static async Task<T?> ReadOneAsync<T>(
        PostgresDatabase database, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object?[] values)
        where T : class
    {
        var rows = await ReadAsync(database, sql, read, cancellationToken, values).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <summary>Runs a statement; a unique violation becomes <see cref="Core.Storage.DuplicateKeyException"/> with <paramref name="duplicateMessage"/>.</summary>
    public static async Task<int> WriteAsync(
        PostgresDatabase database, string? duplicateMessage, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Create(connection, sql, values);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            throw Translate(ex, duplicateMessage ?? "The row collides with an existing one.");
        }
    }

    /// <summary>A uniqueness failure is a duplicate; a foreign-key, check or JSON failure is a bad argument; anything else is rethrown.</summary>
    public static Exception Translate(PostgresException ex, string duplicateMessage) => ex.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => new Core.Storage.DuplicateKeyException(duplicateMessage),
        PostgresErrorCodes.ForeignKeyViolation => new ArgumentException($"The row refers to something that does not exist ({ex.MessageText}), e.g. an unknown tenant.", ex),
        PostgresErrorCodes.CheckViolation or PostgresErrorCodes.InvalidTextRepresentation =>
            new ArgumentException($"The row was rejected by a database check ({ex.MessageText}).", ex),
        _ => new PostgresStorageException(ex.MessageText, ex),
    };

    private static NpgsqlParameter Parameter(object? value) => value switch
    {
        null => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
        TypedNull n => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = n.Type },
        DateTimeOffset time => new NpgsqlParameter { Value = PostgresRows.Utc(time), NpgsqlDbType = NpgsqlDbType.TimestampTz },
        IReadOnlyList<string> list => new NpgsqlParameter { Value = list.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        _ => new NpgsqlParameter { Value = value },
    };

    /// <summary>A NULL of a given type, where a text NULL would not do (uuid, timestamptz, integer columns).</summary>
    public sealed record TypedNull(NpgsqlDbType Type);

    public static object Nullable(DateTimeOffset? value) => value is { } v ? v : new TypedNull(NpgsqlDbType.TimestampTz);

    public static object Nullable(Guid? value) => value is { } v ? v : new TypedNull(NpgsqlDbType.Uuid);

    public static object Nullable(int? value) => value is { } v ? v : new TypedNull(NpgsqlDbType.Integer);
}
