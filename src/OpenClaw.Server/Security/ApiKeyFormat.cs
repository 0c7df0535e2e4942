using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace OpenClaw.Server.Security;

/// <summary>
/// The server's random secrets (API keys, refresh tokens, client secrets) and their stored form: 256 random bits,
/// stored as a SHA-256 hash (a slow password hash buys nothing for a secret that cannot be guessed).
/// </summary>
internal static class ApiKeyFormat
{
    /// <summary>Every API key starts with this, so it can be told from a JWT and found by secret scanners.</summary>
    public const string Prefix = "ock_";

    /// <summary>Refresh tokens start with this.</summary>
    public const string RefreshPrefix = "ocr_";

    /// <summary>Client secrets start with this.</summary>
    public const string SecretPrefix = "ocs_";

    /// <summary>Characters of a key kept for display (<c>ock_</c> and 8 more).</summary>
    public const int DisplayLength = 12;

    public static string NewSecret(string prefix) => prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string Display(string key) => key[..Math.Min(DisplayLength, key.Length)];

    /// <summary>Compares two hashes in constant time.</summary>
    public static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
