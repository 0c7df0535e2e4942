using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OpenClaw.Server.Triggers;

/// <summary>
/// Checks <c>X-OpenClaw-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of the raw body under the trigger's secret. With
/// a timestamp required, <c>X-OpenClaw-Timestamp</c> (unix seconds) must be within the tolerance of the server's clock
/// and is signed too: the MAC is over <c>"{timestamp}." + body</c>, so a captured request cannot be replayed later.
/// </summary>
internal static class WebhookSignature
{
    public const string SignatureHeader = "X-OpenClaw-Signature";
    public const string TimestampHeader = "X-OpenClaw-Timestamp";

    /// <returns>Null when the request is authentic, else why not (safe to show the caller).</returns>
    public static string? Verify(string secret, ReadOnlySpan<byte> body, string? signature, string? timestamp, bool requireTimestamp,
        DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(signature) || !signature.StartsWith("sha256=", StringComparison.Ordinal))
            return $"The request needs a {SignatureHeader} header: sha256= and the hex HMAC-SHA256 of the body.";
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(7));
        }
        catch (FormatException)
        {
            return $"{SignatureHeader} is not sha256=<hex>.";
        }

        byte[] signed;
        if (requireTimestamp)
        {
            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                return $"The request needs a {TimestampHeader} header (unix seconds), signed with the body.";
            if (seconds > now.ToUnixTimeSeconds() + tolerance.TotalSeconds || seconds < now.ToUnixTimeSeconds() - tolerance.TotalSeconds)
                return $"{TimestampHeader} is more than {tolerance.TotalSeconds:0} seconds from the server's clock.";
            var prefix = Encoding.ASCII.GetBytes(timestamp + ".");
            signed = new byte[prefix.Length + body.Length];
            prefix.CopyTo(signed, 0);
            body.CopyTo(signed.AsSpan(prefix.Length));
        }
        else
        {
            signed = body.ToArray();
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        // Constant time: how long the comparison takes says nothing about how many leading bytes matched.
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected) ? null : "The signature does not match.";
    }

    /// <summary>What a sender computes (also used by tests and the docs' examples).</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body, string? timestamp = null)
    {
        var data = timestamp is null ? body.ToArray() : [.. Encoding.ASCII.GetBytes(timestamp + "."), .. body];
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }
}
