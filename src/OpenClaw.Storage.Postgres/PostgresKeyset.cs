using System.Text;
using Npgsql;
using NpgsqlTypes;
using OpenClaw.Core.Storage;
using static OpenClaw.Storage.Postgres.PostgresRows;

namespace OpenClaw.Storage.Postgres;

/// <summary>The tail of a newest-first keyset page query: the cursor condition, the order and one row more than the limit.</summary>
internal static class PostgresKeyset
{
    /// <exception cref="ArgumentException">The cursor is not one a page returned.</exception>
    public static void AppendPage(NpgsqlCommand command, StringBuilder sql, string? cursor, string timeColumn, string idColumn, int limit)
    {
        var p = command.Parameters;
        if (cursor is not null)
        {
            var (time, id) = KeysetCursor.Decode(cursor);
            if (!Guid.TryParseExact(id, "D", out var lastId))
            {
                throw new ArgumentException("The paging cursor is not valid; pass back the NextCursor of a previous page unchanged.", nameof(cursor));
            }

            p.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(DateTimeOffset.FromUnixTimeMilliseconds(time)), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            p.Add(new NpgsqlParameter<Guid> { TypedValue = lastId });
            sql.Append($" AND ({timeColumn}, {idColumn}) < (${p.Count - 1}, ${p.Count})");
        }

        p.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        sql.Append($" ORDER BY {timeColumn} DESC, {idColumn} DESC LIMIT ${p.Count};");
        command.CommandText = sql.ToString();
    }

    /// <summary>Runs a command made with <see cref="AppendPage"/> and cuts the rows into a page with its next cursor.</summary>
    public static async Task<Page<T>> ReadPageAsync<T>(
        NpgsqlCommand command, Func<NpgsqlDataReader, T> read, int limit, Func<T, DateTimeOffset> time, Func<T, Guid> id, CancellationToken cancellationToken)
    {
        var items = new List<T>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(read(reader));
            }
        }

        return KeysetPage.Cut(items, limit, time, id);
    }
}
