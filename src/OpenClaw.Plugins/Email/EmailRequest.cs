using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Email;

/// <summary>Reads the addressing and content inputs shared by <c>email</c> and <c>notification</c> into a <see cref="MimeMessage"/>.</summary>
internal static class EmailRequest
{
    /// <summary>Headers the message builder writes itself; setting them through <c>headers</c> would corrupt the message.</summary>
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
        "Content-Transfer-Encoding",
    };

    private static readonly IdnMapping Idn = new();

    /// <summary>Parses an address input: one string (which may hold a comma-separated list) or an array of strings.</summary>
    /// <exception cref="PluginException">An address is malformed (not retryable).</exception>
    public static List<MailAddress> Addresses(JsonObject inputs, string name)
    {
        var node = inputs[name];
        if (node is null) return [];
        // Not a collection expression: with a JsonArray on the other branch it would build a JsonArray and re-parent the node.
        IEnumerable<JsonNode?> items = node is JsonArray array ? array : new[] { node };
        var addresses = new List<MailAddress>();
        foreach (var item in items)
        {
            var text = PluginInputs.AsString(item)
                ?? throw PluginInputs.Invalid($"input '{name}' must be an address or a list of addresses, got {PluginInputs.Describe(item)}");
            if (string.IsNullOrWhiteSpace(text)) continue;
            var parsed = new MailAddressCollection();
            try
            {
                parsed.Add(text);
            }
            catch (FormatException e)
            {
                throw PluginInputs.Invalid($"input '{name}' has an invalid address '{text}': {e.Message}");
            }
            addresses.AddRange(parsed.Select(a => Normalize(a, name)));
        }
        return addresses;
    }

    public static MailAddress? Address(JsonObject inputs, string name, string? fallback = null)
    {
        var text = PluginInputs.OptionalString(inputs, name) ?? fallback;
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return Normalize(new MailAddress(text), name);
        }
        catch (FormatException e)
        {
            throw PluginInputs.Invalid($"input '{name}' is not a valid address '{text}': {e.Message}");
        }
    }

    /// <summary>
    /// International domains become their ASCII (punycode) form; international mailbox names would need SMTPUTF8 from
    /// every relay on the way and are refused.
    /// </summary>
    private static MailAddress Normalize(MailAddress address, string name)
    {
        if (address.User.Any(c => c > 126))
            throw PluginInputs.Invalid($"input '{name}': '{address.Address}' has non-ASCII characters before the @, which is not supported");
        if (address.Host.All(c => c <= 126)) return address;
        try
        {
            return new MailAddress($"{address.User}@{Idn.GetAscii(address.Host)}", address.DisplayName);
        }
        catch (ArgumentException e)
        {
            throw PluginInputs.Invalid($"input '{name}': '{address.Address}' has an invalid domain: {e.Message}");
        }
    }

    /// <summary>Extra headers from an object of name to text.</summary>
    public static List<KeyValuePair<string, string>> Headers(JsonObject inputs)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (PluginInputs.OptionalObject(inputs, "headers") is not { } obj) return headers;
        foreach (var (name, value) in obj)
        {
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || c == ':'))
                throw PluginInputs.Invalid($"input 'headers': '{name}' is not a valid header name");
            if (ReservedHeaders.Contains(name))
                throw PluginInputs.Invalid($"input 'headers': '{name}' is set by the plugin; use its own input instead");
            var text = PluginInputs.ScalarText(value)
                ?? throw PluginInputs.Invalid($"input 'headers': the value of '{name}' must be text, got {PluginInputs.Describe(value)}");
            headers.Add(new(name, SingleLine(text, $"input 'headers': the value of '{name}'")));
        }
        return headers;
    }

    /// <summary>Refuses line breaks, which would let a value inject headers of its own.</summary>
    public static string SingleLine(string text, string what) =>
        text.AsSpan().IndexOfAny('\r', '\n') < 0 ? text : throw PluginInputs.Invalid($"{what} must not contain line breaks");

    /// <summary>
    /// The same Message-ID on every attempt of a step (derived from the idempotency key), so a message sent twice because
    /// a worker died after sending can be recognised as one by the receiving side.
    /// </summary>
    public static string MessageId(string idempotencyKey, MailAddress from)
    {
        var unique = string.IsNullOrEmpty(idempotencyKey)
            ? Guid.NewGuid().ToString("N")
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];
        return $"<{unique}.openclaw@{from.Host}>";
    }
}
