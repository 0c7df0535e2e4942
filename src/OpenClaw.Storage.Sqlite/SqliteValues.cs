using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace OpenClaw.Storage.Sqlite;

/// <summary>
/// Conversions between records and column values: Guids as lower-case TEXT, times as INTEGER unix milliseconds (UTC),
/// JSON as the exact text it was parsed from, absent values as NULL.
/// </summary>
internal static class SqliteValues
{
    public static object Id(Guid value) => value.ToString("D");

    public static object Id(Guid? value) => value is { } id ? id.ToString("D") : DBNull.Value;

    public static object Text(string? value) => value is null ? DBNull.Value : value;

    public static long Time(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static object Time(DateTimeOffset? value) => value is { } time ? time.ToUnixTimeMilliseconds() : DBNull.Value;

    /// <summary>The raw text keeps the author's formatting and escapes, so a value reads back byte for byte.</summary>
    public static object Json(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? DBNull.Value : value.GetRawText();

    public static object Json(JsonElement? value) => value is { } element ? Json(element) : DBNull.Value;

    public static string StringList(IReadOnlyList<string>? values) =>
        values is null || values.Count == 0 ? "[]" : JsonSerializer.Serialize(values);

    public static string IdList(IEnumerable<Guid> ids)
    {
        var builder = new StringBuilder("[");
        foreach (var id in ids)
        {
            if (builder.Length > 1)
            {
                builder.Append(',');
            }

            builder.Append('"').Append(id.ToString("D")).Append('"');
        }

        return builder.Append(']').ToString();
    }

    public static Guid GetId(SqliteDataReader reader, int ordinal) => Guid.ParseExact(reader.GetString(ordinal), "D");

    public static Guid? GetIdOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Guid.ParseExact(reader.GetString(ordinal), "D");

    public static string? GetTextOrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset GetTime(SqliteDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static DateTimeOffset? GetTimeOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    /// <summary>A NULL column reads as <c>default(JsonElement)</c> (kind Undefined), the value it was written from.</summary>
    public static JsonElement GetJson(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? default : ParseJson(reader.GetString(ordinal));

    public static JsonElement? GetJsonOrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ParseJson(reader.GetString(ordinal));

    public static IReadOnlyList<string> GetStringList(SqliteDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return [];
        }

        var text = reader.GetString(ordinal);
        return text == "[]" ? [] : JsonSerializer.Deserialize<string[]>(text) ?? [];
    }

    private static JsonElement ParseJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
