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
}
