using System.Runtime.CompilerServices;
using System.Text.Json;

namespace OpenClaw.Server.Security;

/// <summary>
/// Deserialises a cached JSON value once per value: the in-process cache hands back the same string instance on every
/// hit, so the parsed object is remembered against that instance (weakly: it goes when the entry does). Keeps the
/// per-request cost of the session and API-key checks at a lookup. Values from Redis are new strings each time and are
/// parsed each time (their round trip costs far more).
/// </summary>
internal sealed class ParsedCacheValues<T> where T : class
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConditionalWeakTable<string, T> _parsed = new();

    /// <summary>The value <paramref name="text"/> holds, or null when it does not parse as <typeparamref name="T"/>.</summary>
    public T? Parse(string text)
    {
        if (_parsed.TryGetValue(text, out var known)) return known;
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(text, Json);
        }
        catch (JsonException)
        {
            // Another shape (an older version's entry): the caller reads it afresh.
            return null;
        }
        if (value is not null) _parsed.AddOrUpdate(text, value);
        return value;
    }

    /// <summary>The text to cache for <paramref name="value"/>.</summary>
    public static string Serialize(T value) => JsonSerializer.Serialize(value, Json);
}
