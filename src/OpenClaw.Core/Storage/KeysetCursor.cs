using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace OpenClaw.Core.Storage;

/// <summary>
/// The opaque page cursor: the sort key (a unix-millisecond time and an id) of the last row returned, base64url-encoded.
/// Keyset paging stays fast on deep pages and does not skip or repeat rows when new ones are inserted meanwhile. Shared
/// by every backend, so a cursor means the same whichever database produced it.
/// </summary>
public static class KeysetCursor
{
    /// <summary>Lists return at most this many rows per page, whatever the caller asks for.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Encodes the sort key of the last row of a page.</summary>
    public static string Encode(long time, string id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{time.ToString(CultureInfo.InvariantCulture)}:{id}"));

    /// <summary>Decodes a cursor made by <see cref="Encode"/>.</summary>
    /// <exception cref="ArgumentException">The cursor was not produced by <see cref="Encode"/>.</exception>
    public static (long Time, string Id) Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(text.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var time))
            {
                return (time, text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Reported below with the same message as any other malformed cursor.
        }

        throw new ArgumentException("The paging cursor is not valid; pass back the NextCursor of a previous page unchanged.", nameof(cursor));
    }

    /// <summary>The page size to use for a requested <paramref name="limit"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    public static int ClampLimit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return Math.Min(limit, MaxLimit);
    }

    /// <summary>
    /// The page of a query that fetched up to <paramref name="limit"/> + 1 rows in sort order: the extra row only says a
    /// next page exists, and the last kept row's key becomes its cursor.
    /// </summary>
    public static Page<T> ToPage<T>(List<T> rows, int limit, Func<T, (DateTimeOffset Time, Guid Id)> key)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count <= limit) return new Page<T>(rows, null);
        rows.RemoveRange(limit, rows.Count - limit);
        var (time, id) = key(rows[^1]);
        return new Page<T>(rows, Encode(time.ToUnixTimeMilliseconds(), id.ToString("D")));
    }

    /// <summary>(I)LIKE pattern matching <paramref name="search"/> anywhere, with <c>%</c>, <c>_</c> and <c>\</c> taken literally (ESCAPE '\').</summary>
    public static string ContainsPattern(string search)
    {
        var builder = new StringBuilder(search.Length + 2).Append('%');
        foreach (var c in search)
        {
            if (c is '%' or '_' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('%').ToString();
    }
}
