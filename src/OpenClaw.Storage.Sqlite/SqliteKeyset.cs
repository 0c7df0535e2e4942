using System.Text;
using Microsoft.Data.Sqlite;
using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Sqlite;

/// <summary>The tail of a newest-first keyset page query: the cursor condition, the order and one row more than the limit.</summary>
internal static class SqliteKeyset
{
    /// <exception cref="ArgumentException">The cursor is not one a page returned.</exception>
    public static void AppendPage(SqliteCommand command, StringBuilder sql, string? cursor, string timeColumn, string idColumn, int limit)
    {
        if (cursor is not null)
        {
            var (time, id) = KeysetCursor.Decode(cursor);
            sql.Append($" AND ({timeColumn}, {idColumn}) < (@cursor_time, @cursor_id)");
            command.Parameters.AddWithValue("@cursor_time", time);
            command.Parameters.AddWithValue("@cursor_id", id);
        }

        sql.Append($" ORDER BY {timeColumn} DESC, {idColumn} DESC LIMIT @limit;");
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText = sql.ToString();
    }

    /// <summary>Runs a command made with <see cref="AppendPage"/> and cuts the rows into a page with its next cursor.</summary>
    public static Page<T> ReadPage<T>(SqliteCommand command, Func<SqliteDataReader, T> read, int limit, Func<T, DateTimeOffset> time, Func<T, Guid> id)
    {
        var items = new List<T>(limit + 1);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(read(reader));
            }
        }

        return KeysetPage.Cut(items, limit, time, id);
    }
}
