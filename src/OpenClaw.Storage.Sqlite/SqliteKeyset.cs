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
}
