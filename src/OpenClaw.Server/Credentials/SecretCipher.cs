using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OpenClaw.Server.Credentials;

/// <summary>
/// AES-256-GCM encryption of stored secrets under the operator's key: a random 96-bit nonce per value, the 128-bit tag,
/// and associated data that binds a ciphertext to its owner (tenant and record id), so a ciphertext copied into another
/// row or tenant fails to decrypt. Layout: nonce (12) | ciphertext | tag (16).
/// </summary>
public sealed partial class SecretCipher
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public SecretCipher(IOptions<CredentialKeyOptions> options, DataFolder data, ILogger<SecretCipher> logger)
    {
        var o = options.Value;
        _key = LoadCurrent(o, data.Path, logger);
        CurrentKeyId = KeyIdOf(_key);
        _keys[CurrentKeyId] = _key;
        for (int i = 0; i < o.OldKeys.Length; i++)
        {
            var old = Decode(o.OldKeys[i], $"OpenClaw:Credentials:OldKeys:{i}");
            _keys.TryAdd(KeyIdOf(old), old);
        }
    }

    /// <summary>Identifies the current key in stored rows (a hash prefix, never the key).</summary>
    public string CurrentKeyId { get; }

    /// <summary>Whether a value encrypted under <paramref name="keyId"/> can be decrypted here.</summary>
    public bool Knows(string keyId) => _keys.ContainsKey(keyId);

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var result = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = result.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, result.AsSpan(NonceSize, plaintext.Length), result.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(associatedData));
        return result;
    }

    /// <exception cref="CryptographicException">The key is unknown, or the value was altered or belongs to another owner.</exception>
    public byte[] Decrypt(byte[] sealedValue, string keyId, string associatedData)
    {
        if (!_keys.TryGetValue(keyId, out var key))
            throw new CryptographicException($"The value was encrypted under key {keyId}, which is neither the current key nor in OpenClaw:Credentials:OldKeys.");
        if (sealedValue.Length < NonceSize + TagSize) throw new CryptographicException("The stored value is too short to be a sealed secret.");
        var length = sealedValue.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedValue.AsSpan(0, NonceSize), sealedValue.AsSpan(NonceSize, length), sealedValue.AsSpan(NonceSize + length), plaintext,
            Encoding.UTF8.GetBytes(associatedData));
        return plaintext;
    }

    /// <summary>Seals a text secret of a record (a trigger's or a rule's HMAC secret), bound to its kind, tenant and id.</summary>
    public byte[] SealText(string kind, string tenantId, Guid id, string secret) => Encrypt(Encoding.UTF8.GetBytes(secret), $"openclaw:{kind}:{tenantId}:{id:D}");

    /// <exception cref="CryptographicException">See <see cref="Decrypt"/>.</exception>
    public string OpenText(string kind, string tenantId, Guid id, byte[] sealedSecret, string keyId) =>
        Encoding.UTF8.GetString(Decrypt(sealedSecret, keyId, $"openclaw:{kind}:{tenantId}:{id:D}"));

    private static byte[] LoadCurrent(CredentialKeyOptions o, string dataFolder, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(o.Key)) return Decode(o.Key, "OpenClaw:Credentials:Key");
        if (!string.IsNullOrWhiteSpace(o.KeyFile))
        {
            if (!File.Exists(o.KeyFile)) throw new InvalidOperationException($"OpenClaw:Credentials:KeyFile '{o.KeyFile}' does not exist.");
            return Decode(File.ReadAllText(o.KeyFile).Trim(), $"the key file '{o.KeyFile}'");
        }
        var path = Path.Combine(dataFolder, "credentials.key");
        if (File.Exists(path)) return Decode(File.ReadAllText(path).Trim(), $"the key file '{path}'");

        var key = RandomNumberGenerator.GetBytes(32);
        Directory.CreateDirectory(dataFolder);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(path, Encoding.ASCII, options))
        {
            file.Write(Convert.ToBase64String(key));
        }
        LogGenerated(logger, path);
        return key;
    }

    private static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} is not base64; give 32 random bytes in base64, e.g. from 'openssl rand -base64 32'.");
        }
        return key.Length == 32 ? key : throw new InvalidOperationException($"{source} is {key.Length} bytes; AES-256 needs exactly 32.");
    }

    private static string KeyIdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key), 0, 8);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Generated the credential encryption key at {Path} (mode 0600). Back it up: without it stored credentials cannot be decrypted. Set OpenClaw:Credentials:Key or KeyFile to manage it yourself.")]
    private static partial void LogGenerated(ILogger logger, string path);
}

/// <summary>The server's data folder, resolved to a full path.</summary>
public sealed record DataFolder(string Path);
