using System.Text.Json;
using Npgsql;

namespace OpenClaw.Storage.Postgres;

/// <summary>Conversions shared by the credential, trigger and notification stores: string lists as JSON text, nullable values.</summary>
internal static class IntegrationRows
{
    public static string StringList(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    public static IReadOnlyList<string> GetStringList(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal)) ?? [];

    public static object Nullable(object? value) => value ?? DBNull.Value;

    public static object NullableTime(DateTimeOffset? value) => value is { } time ? PostgresRows.Utc(time) : DBNull.Value;
}
