using System.Text;
using System.Text.RegularExpressions;

namespace OpenClaw.Plugins.Tests.Email;

/// <summary>A small reader of the messages the plugins write: unfolded headers, decoded bodies and MIME parts.</summary>
public sealed partial class ParsedMail
{
    private ParsedMail(Dictionary<string, string> headers, string rawBody)
    {
        Headers = headers;
        RawBody = rawBody;
    }

    /// <summary>Header values, unfolded, with RFC 2047 encoded words decoded.</summary>
    public Dictionary<string, string> Headers { get; }

    public string RawBody { get; }

    public string this[string header] => Headers[header];

    public static ParsedMail Parse(string data)
    {
        var split = data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? data : data[..split];
        var body = split < 0 ? "" : data[(split + 4)..];
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal).Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = DecodeWords(line[(colon + 1)..].Trim());
        }
        return new ParsedMail(headers, body);
    }

    /// <summary>The body decoded per its Content-Transfer-Encoding, with CRLF line ends.</summary>
    public string Body => Headers.GetValueOrDefault("Content-Transfer-Encoding") == "quoted-printable" ? DecodeQuotedPrintable(RawBody) : RawBody;

    /// <summary>The parts of a multipart body.</summary>
    public IReadOnlyList<ParsedMail> Parts
    {
        get
        {
            var boundary = Boundary().Match(Headers["Content-Type"]).Groups[1].Value;
            var sections = RawBody.Split("--" + boundary);
            // The CRLF before each "--boundary" belongs to the delimiter (RFC 2046 5.1.1), not to the part.
            return [.. sections.Skip(1).Take(sections.Length - 2).Select(s => Parse(s[2..^2]))];
        }
    }

    public static string DecodeQuotedPrintable(string text)
    {
        var withoutSoftBreaks = text.Replace("=\r\n", "", StringComparison.Ordinal);
        var bytes = new List<byte>();
        for (var i = 0; i < withoutSoftBreaks.Length; i++)
        {
            if (withoutSoftBreaks[i] == '=' && i + 2 < withoutSoftBreaks.Length)
            {
                bytes.Add(Convert.ToByte(withoutSoftBreaks.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)withoutSoftBreaks[i]);
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static string DecodeWords(string value) =>
        EncodedWord().Replace(value.Replace("?= =?", "?==?", StringComparison.Ordinal),
            m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value)));

    [GeneratedRegex(@"=\?utf-8\?B\?([A-Za-z0-9+/=]*)\?=", RegexOptions.IgnoreCase)]
    private static partial Regex EncodedWord();

    [GeneratedRegex("boundary=\"([^\"]+)\"")]
    private static partial Regex Boundary();
}
