namespace OpenClaw.Server.Credentials;

/// <summary>
/// The key that encrypts credential values and other stored secrets (section <c>OpenClaw:Credentials</c>).
/// </summary>
/// <remarks>
/// Give <see cref="Key"/> (base64 of 32 random bytes, e.g. <c>openssl rand -base64 32</c>) or <see cref="KeyFile"/> (a file
/// holding that text). With neither, the server generates <c>credentials.key</c> in its data folder (mode 0600) on first
/// start and logs where it is. Rotate by making the new key current and listing the old one in <see cref="OldKeys"/>:
/// values under an old key still decrypt, and are re-encrypted under the current key on start and by
/// <c>POST /credentials/reencrypt</c>; drop the old key once that has run.
/// </remarks>
public sealed class CredentialKeyOptions
{
    /// <summary>The current key: base64 of exactly 32 bytes.</summary>
    public string? Key { get; set; }

    /// <summary>A file whose (trimmed) text is the base64 key.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Earlier keys (base64), used only to decrypt values not yet re-encrypted.</summary>
    public string[] OldKeys { get; set; } = [];
}
