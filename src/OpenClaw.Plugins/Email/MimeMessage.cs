using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace OpenClaw.Plugins.Email;

/// <summary>An e-mail ready to be written in Internet Message Format (RFC 5322) with MIME bodies (RFC 2045-2047).</summary>
/// <remarks>
/// Bodies are sent as 7bit when they are ASCII with short lines, and quoted-printable otherwise, so the message passes
/// every relay (no server support for 8BITMIME or SMTPUTF8 is needed). Non-ASCII header text becomes RFC 2047 encoded
/// words. Bcc recipients are part of the envelope only, never of the headers.
/// </remarks>
internal sealed record MimeMessage(
    MailAddress From,
    IReadOnlyList<MailAddress> To,
    IReadOnlyList<MailAddress> Cc,
    IReadOnlyList<MailAddress> Bcc,
    MailAddress? ReplyTo,
    string Subject,
    string? Text,
    string? Html,
    IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders,
    string MessageId,
    DateTimeOffset Date)
{
    private const int MaxLineLength = 998;
    private const int FoldAt = 76;

    /// <summary>Every envelope recipient: To, Cc and Bcc, without duplicates.</summary>
    public IReadOnlyList<string> Recipients =>
        [.. To.Concat(Cc).Concat(Bcc).Select(a => a.Address).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The message as bytes with CRLF line ends, before SMTP dot-stuffing.</summary>
    public byte[] ToBytes()
    {
        var builder = new StringBuilder();
        Header(builder, "From", Addresses([From]));
        if (To.Count > 0) Header(builder, "To", Addresses(To));
        if (Cc.Count > 0) Header(builder, "Cc", Addresses(Cc));
        if (ReplyTo is not null) Header(builder, "Reply-To", Addresses([ReplyTo]));
        Header(builder, "Subject", Unstructured(Subject));
        Header(builder, "Date", Date.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture));
        Header(builder, "Message-ID", MessageId);
        Header(builder, "MIME-Version", "1.0");
        foreach (var (name, value) in ExtraHeaders) Header(builder, name, Unstructured(value));

        if (Text is not null && Html is not null)
        {
            var boundary = "=_openclaw_" + Guid.NewGuid().ToString("N");
            Header(builder, "Content-Type", $"multipart/alternative; boundary=\"{boundary}\"");
            builder.Append("\r\n");
            builder.Append("This is a multi-part message in MIME format.\r\n");
            Part(builder, boundary, "text/plain", Text);
            Part(builder, boundary, "text/html", Html);
            builder.Append("--").Append(boundary).Append("--\r\n");
        }
        else
        {
            var (mediaType, body) = Html is not null ? ("text/html", Html) : ("text/plain", Text ?? "");
            Body(builder, mediaType, body);
        }
        return Encoding.ASCII.GetBytes(builder.ToString()); // everything above is ASCII by construction
    }

    private static void Part(StringBuilder builder, string boundary, string mediaType, string body)
    {
        builder.Append("\r\n--").Append(boundary).Append("\r\n");
        Body(builder, mediaType, body);
    }

    private static void Body(StringBuilder builder, string mediaType, string body)
    {
        var lines = NormalizeLineEnds(body);
        var sevenBit = lines.All(line => line.Length <= MaxLineLength && line.All(c => c is '\t' || (c >= ' ' && c < 127)));
        Header(builder, "Content-Type", $"{mediaType}; charset=utf-8");
        Header(builder, "Content-Transfer-Encoding", sevenBit ? "7bit" : "quoted-printable");
        builder.Append("\r\n");
        if (sevenBit)
        {
            foreach (var line in lines) builder.Append(line).Append("\r\n");
        }
        else
        {
            foreach (var line in lines) QuotedPrintable(builder, line);
        }
    }

    private static string[] NormalizeLineEnds(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (normalized.EndsWith('\n')) normalized = normalized[..^1];
        return normalized.Split('\n');
    }

    /// <summary>One line of text as quoted-printable (RFC 2045 6.7), with soft line breaks keeping lines within 76 characters.</summary>
    private static void QuotedPrintable(StringBuilder builder, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var length = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var last = i == bytes.Length - 1;
            // Spaces and tabs are literal except at the end of a line, where relays may strip them.
            var literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last);
            var token = literal ? ((char)b).ToString() : $"={b:X2}";
            if (length + token.Length > FoldAt - 1)
            {
                builder.Append("=\r\n");
                length = 0;
            }
            builder.Append(token);
            length += token.Length;
        }
        builder.Append("\r\n");
    }

    private static void Header(StringBuilder builder, string name, string value) =>
        builder.Append(name).Append(": ").Append(value).Append("\r\n");

    /// <summary>An address list, folded after each comma when it would make a long line.</summary>
    private static string Addresses(IEnumerable<MailAddress> addresses)
    {
        var formatted = addresses.Select(Address).ToList();
        var joined = string.Join(", ", formatted);
        return joined.Length <= FoldAt ? joined : string.Join(",\r\n ", formatted);
    }

    private static string Address(MailAddress address)
    {
        if (string.IsNullOrEmpty(address.DisplayName)) return address.Address;
        var name = IsAscii(address.DisplayName)
            ? "\"" + address.DisplayName.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : EncodedWords(address.DisplayName);
        return $"{name} <{address.Address}>";
    }

    /// <summary>Free text for a header: as is when it is ASCII (folded at spaces), RFC 2047 encoded words otherwise.</summary>
    private static string Unstructured(string text)
    {
        if (!IsAscii(text)) return EncodedWords(text);
        if (text.Length <= FoldAt) return text;

        var folded = new StringBuilder();
        var lineLength = 0;
        foreach (var word in text.Split(' '))
        {
            if (lineLength > 0 && lineLength + 1 + word.Length > FoldAt)
            {
                folded.Append("\r\n ");
                lineLength = 1;
            }
            else if (folded.Length > 0)
            {
                folded.Append(' ');
                lineLength++;
            }
            folded.Append(word);
            lineLength += word.Length;
        }
        return folded.ToString();
    }

    /// <summary>
    /// <c>=?utf-8?B?...?=</c> words of at most 75 characters, never splitting a character's UTF-8 bytes between two words
    /// (RFC 2047 section 5), joined by folding white space.
    /// </summary>
    private static string EncodedWords(string text)
    {
        const int MaxBytesPerWord = 45; // 60 base64 characters + 12 of framing = 72
        var words = new List<string>();
        var chunk = new StringBuilder();
        var chunkBytes = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            var piece = text.Substring(i, length);
            var bytes = Encoding.UTF8.GetByteCount(piece);
            if (chunkBytes + bytes > MaxBytesPerWord)
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
                chunkBytes = 0;
            }
            chunk.Append(piece);
            chunkBytes += bytes;
            i += length - 1;
        }
        if (chunk.Length > 0) words.Add(Word(chunk.ToString()));
        return string.Join("\r\n ", words);

        static string Word(string part) => "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(part)) + "?=";
    }

    private static bool IsAscii(string text) => text.All(c => c >= ' ' && c < 127);
}
