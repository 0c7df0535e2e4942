using System.Security.Cryptography;
using System.Text;

namespace OpenClaw.Server.Triggers;

/// <summary>Secret webhook paths: 256 random bits in base64url; only their SHA-256 is stored.</summary>
internal static class WebhookPaths
{
    public const int HintLength = 6;

    /// <summary>A new secret path (43 characters).</summary>
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new HMAC signing secret, shown to the user once (prefixed so it is recognisable in a secret scanner).</summary>
    public static string NewSigningSecret() => "whsec_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Lower-case hex SHA-256 of the path. The lookup is by this hash, so the time a lookup takes says nothing about how
    /// much of a guessed path was right.
    /// </summary>
    public static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)));

    public static string Hint(string path) => path[..HintLength];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
