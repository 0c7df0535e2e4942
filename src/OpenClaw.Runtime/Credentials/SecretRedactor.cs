using System.Text;
using System.Text.Json;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Credentials;

/// <summary>
/// Masks the secret values of the credentials a step attempt resolved, in everything that attempt leaves behind: its
/// output, its error message and its log lines. Each value is replaced by <see cref="Mask"/>, also in the forms a plugin
/// commonly derives from it (Base64, URL-encoded, a Basic-auth pair).
/// </summary>
/// <remarks>
/// Fields that name where to connect rather than how to authenticate (<c>host</c>, <c>port</c>, <c>security</c>, ...) are
/// not masked, nor are values shorter than <see cref="MinimumLength"/> characters: masking every "25" or "on" in an
/// output would destroy it while protecting nothing.
/// </remarks>
public sealed class SecretRedactor
{
    /// <summary>What a secret value becomes.</summary>
    public const string Mask = "***";

    /// <summary>Values shorter than this are not treated as secrets.</summary>
    public const int MinimumLength = 4;

    private static readonly HashSet<string> NotSecret = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "port", "security", "starttls", "from", "in", "header", "name", "provider", "database_type",
    };

    private readonly Lock _gate = new();
    private string[] _secrets = [];

    /// <summary>Whether any secret is known: without one, nothing needs masking.</summary>
    public bool IsEmpty => Volatile.Read(ref _secrets).Length == 0;

    /// <summary>Adds the secret values of <paramref name="credential"/> and their derived forms.</summary>
    public void Add(PluginCredential credential)
    {
        var found = new List<string>();
        foreach (var (field, value) in credential.Values)
        {
            if (NotSecret.Contains(field) || value.Length < MinimumLength) continue;
            found.Add(value);
            found.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)));
            found.Add(Uri.EscapeDataString(value));
        }
        if (credential.Values.TryGetValue("username", out var user) && credential.Values.TryGetValue("password", out var password) && password.Length > 0)
            found.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        lock (_gate)
        {
            // Longest first, so a value containing another is masked whole.
            _secrets = [.. _secrets.Concat(found).Where(s => s.Length >= MinimumLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
        }
    }

    /// <summary>The text with every known secret masked.</summary>
    public string Redact(string text)
    {
        var secrets = Volatile.Read(ref _secrets);
        if (secrets.Length == 0 || string.IsNullOrEmpty(text)) return text;
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal)) text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>The value with every known secret masked in its strings and property names.</summary>
    public JsonElement Redact(JsonElement value)
    {
        if (IsEmpty || value.ValueKind == JsonValueKind.Undefined) return value;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(Redact(property.Name));
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Redact(value.GetString()!));
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
