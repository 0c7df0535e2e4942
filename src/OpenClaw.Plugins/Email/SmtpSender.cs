using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Email;

/// <summary>What the server said when it took the message.</summary>
internal sealed record SmtpDelivery(IReadOnlyList<string> Accepted, string Response);

/// <summary>
/// A minimal SMTP client (RFC 5321): EHLO (HELO as fallback), STARTTLS or implicit TLS, AUTH PLAIN or LOGIN, MAIL FROM,
/// RCPT TO, DATA with dot-stuffing, QUIT.
/// </summary>
/// <remarks>
/// <para>Why not <c>System.Net.Mail.SmtpClient</c>: Microsoft marks it as not for new development; it has no AUTH PLAIN
/// (the mechanism most providers expect) and no implicit TLS on port 465, and it reports failures as one exception type
/// that loses which command failed. MailKit, the usual answer, does not restore here. The protocol subset a workflow
/// step needs is small, and owning it gives precise errors and the retry classification the engine needs.</para>
/// <para>Failures: 4xx replies, connection and network errors are retryable; 5xx replies (rejected recipient, failed
/// login, message refused), TLS failures and a server lacking what the settings require are not.</para>
/// </remarks>
internal sealed class SmtpSender(RemoteCertificateValidationCallback? certificateValidation = null)
{
    private const int MaxLineBytes = 4096;
    private const int MaxReplyLines = 100;

    /// <summary>Sends <paramref name="message"/> (already in wire format, CRLF line ends) to every recipient.</summary>
    /// <exception cref="PluginException">The server refused something or could not be reached; see the class remarks.</exception>
    public async Task<SmtpDelivery> SendAsync(SmtpSettings settings, string from, IReadOnlyList<string> recipients, byte[] message,
        CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(settings.Host, settings.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new PluginException($"could not connect to SMTP server {settings.Endpoint}: {e.Message}", retryable: true, e);
        }

        Stream stream = tcp.GetStream();
        try
        {
            if (settings.Security == SmtpSecurity.Tls || (settings.Security == SmtpSecurity.Auto && settings.Port == 465))
                stream = await StartTlsAsync(stream, settings, cancellationToken).ConfigureAwait(false);

            var session = new Session(stream, settings);
            await session.ReadExpectedAsync("connect", 220, cancellationToken).ConfigureAwait(false);
            var capabilities = await session.HelloAsync(LocalName(tcp), cancellationToken).ConfigureAwait(false);

            var wantsStartTls = settings.Security == SmtpSecurity.StartTls
                || (settings.Security == SmtpSecurity.Auto && stream is not SslStream && capabilities.StartTls);
            if (wantsStartTls)
            {
                if (!capabilities.StartTls)
                    throw new PluginException($"SMTP server {settings.Endpoint} does not offer STARTTLS, which security 'starttls' requires", retryable: false);
                await session.CommandExpectingAsync("STARTTLS", "STARTTLS", 220, cancellationToken).ConfigureAwait(false);
                stream = await StartTlsAsync(stream, settings, cancellationToken).ConfigureAwait(false);
                session = new Session(stream, settings);
                capabilities = await session.HelloAsync(LocalName(tcp), cancellationToken).ConfigureAwait(false);
            }

            if (settings.Username is not null)
            {
                if (stream is not SslStream && !settings.PlainTextLoginAllowed)
                    throw new PluginException(
                        $"refusing to send the SMTP password to {settings.Endpoint} unencrypted: the server offers no STARTTLS; "
                        + "use security 'tls', or 'none' if the network is trusted", retryable: false);
                await session.AuthenticateAsync(capabilities, settings.Username, settings.Password ?? "", cancellationToken).ConfigureAwait(false);
            }

            if (capabilities.MaxSize is { } maxSize && message.Length > maxSize)
                throw new PluginException(
                    $"the message is {message.Length.ToString(CultureInfo.InvariantCulture)} bytes; SMTP server {settings.Endpoint} accepts at most "
                    + maxSize.ToString(CultureInfo.InvariantCulture), retryable: false);

            var sizeParameter = capabilities.MaxSize is not null ? $" SIZE={message.Length.ToString(CultureInfo.InvariantCulture)}" : "";
            await session.CommandExpectingAsync($"MAIL FROM:<{from}>{sizeParameter}", "MAIL FROM", 250, cancellationToken).ConfigureAwait(false);

            var refused = new List<(string Recipient, Reply Reply)>();
            foreach (var recipient in recipients)
            {
                var reply = await session.CommandAsync($"RCPT TO:<{recipient}>", cancellationToken).ConfigureAwait(false);
                if (reply.Code is not (250 or 251)) refused.Add((recipient, reply));
            }
            if (refused.Count > 0)
            {
                await session.QuitAsync(cancellationToken).ConfigureAwait(false);
                var details = string.Join("; ", refused.Select(r => $"{r.Recipient}: {r.Reply}"));
                // Any permanent refusal makes a retry pointless; only temporary ones (mailbox busy, greylisting) may pass later.
                throw new PluginException($"SMTP server {settings.Endpoint} refused {refused.Count.ToString(CultureInfo.InvariantCulture)} "
                    + $"recipient(s), so nothing was sent: {details}", retryable: refused.All(r => r.Reply.IsTransient));
            }

            await session.CommandExpectingAsync("DATA", "DATA", 354, cancellationToken).ConfigureAwait(false);
            await session.WriteDataAsync(message, cancellationToken).ConfigureAwait(false);
            var accepted = await session.ReadExpectedAsync("message", 250, cancellationToken).ConfigureAwait(false);
            await session.QuitAsync(cancellationToken).ConfigureAwait(false);
            return new SmtpDelivery(recipients, accepted.ToString());
        }
        catch (IOException e)
        {
            throw new PluginException($"the connection to SMTP server {settings.Endpoint} failed: {e.Message}", retryable: true, e);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<SslStream> StartTlsAsync(Stream inner, SmtpSettings settings, CancellationToken cancellationToken)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = settings.Host,
                RemoteCertificateValidationCallback = certificateValidation,
            }, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch (AuthenticationException e)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new PluginException($"TLS with SMTP server {settings.Endpoint} failed: {e.Message}", retryable: false, e);
        }
    }

    /// <summary>The client's own address as an address literal, which RFC 5321 accepts when there is no domain name.</summary>
    private static string LocalName(TcpClient tcp) => tcp.Client.LocalEndPoint switch
    {
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped => $"[{mapped.Address.MapToIPv4()}]",
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } v6 => $"[IPv6:{v6.Address}]",
        IPEndPoint v4 => $"[{v4.Address}]",
        _ => "[127.0.0.1]",
    };

    /// <summary>One reply: its code and text lines.</summary>
    private sealed record Reply(int Code, IReadOnlyList<string> Lines)
    {
        public bool IsTransient => Code is >= 400 and < 500;

        public override string ToString() => $"{Code.ToString(CultureInfo.InvariantCulture)} {string.Join(" ", Lines)}".TrimEnd();
    }

    private sealed record Capabilities(bool StartTls, IReadOnlySet<string> AuthMechanisms, long? MaxSize);

    /// <summary>The command/reply conversation over one stream.</summary>
    private sealed class Session(Stream stream, SmtpSettings settings)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<Capabilities> HelloAsync(string localName, CancellationToken cancellationToken)
        {
            var reply = await CommandAsync($"EHLO {localName}", cancellationToken).ConfigureAwait(false);
            if (reply.Code != 250)
            {
                // A server from before ESMTP: HELO still delivers mail, without extensions.
                await CommandExpectingAsync($"HELO {localName}", "HELO", 250, cancellationToken).ConfigureAwait(false);
                return new Capabilities(false, new HashSet<string>(), null);
            }

            var startTls = false;
            var mechanisms = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            long? maxSize = null;
            foreach (var line in reply.Lines.Skip(1))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0) continue;
                switch (parts[0].ToUpperInvariant())
                {
                    case "STARTTLS":
                        startTls = true;
                        break;
                    case "AUTH":
                        mechanisms.UnionWith(parts.Skip(1));
                        break;
                    case "SIZE" when parts.Length > 1 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var size) && size > 0:
                        maxSize = size;
                        break;
                }
            }
            return new Capabilities(startTls, mechanisms, maxSize);
        }

        public async Task AuthenticateAsync(Capabilities capabilities, string username, string password, CancellationToken cancellationToken)
        {
            if (capabilities.AuthMechanisms.Contains("PLAIN"))
            {
                var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{username}\0{password}"));
                var reply = await CommandAsync($"AUTH PLAIN {token}", cancellationToken).ConfigureAwait(false);
                EnsureAuthenticated(reply);
            }
            else if (capabilities.AuthMechanisms.Contains("LOGIN"))
            {
                await CommandExpectingAsync("AUTH LOGIN", "AUTH LOGIN", 334, cancellationToken).ConfigureAwait(false);
                await CommandExpectingAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(username)), "AUTH LOGIN (username)", 334, cancellationToken)
                    .ConfigureAwait(false);
                EnsureAuthenticated(await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), cancellationToken).ConfigureAwait(false));
            }
            else
            {
                var offered = capabilities.AuthMechanisms.Count == 0 ? "none" : string.Join(", ", capabilities.AuthMechanisms);
                throw new PluginException(
                    $"SMTP server {settings.Endpoint} offers no login mechanism this client speaks (PLAIN, LOGIN); it offers: {offered}", retryable: false);
            }
        }

        private void EnsureAuthenticated(Reply reply)
        {
            if (reply.Code == 235) return;
            throw new PluginException($"SMTP login to {settings.Endpoint} failed: {reply}", retryable: reply.IsTransient);
        }

        /// <summary>Reads a reply the server sends unasked (the greeting, the answer to the message data).</summary>
        public Task<Reply> ReadExpectedAsync(string step, int expected, CancellationToken cancellationToken) =>
            ExpectReplyAsync(ReadReplyAsync(cancellationToken), step, expected);

        /// <summary>Sends a command and requires the given reply code.</summary>
        public Task<Reply> CommandExpectingAsync(string command, string step, int expected, CancellationToken cancellationToken) =>
            ExpectReplyAsync(CommandAsync(command, cancellationToken), step, expected);

        private async Task<Reply> ExpectReplyAsync(Task<Reply> pending, string step, int expected)
        {
            var reply = await pending.ConfigureAwait(false);
            if (reply.Code == expected) return reply;
            throw new PluginException($"SMTP server {settings.Endpoint} refused {step}: {reply}", retryable: reply.IsTransient);
        }

        public async Task<Reply> CommandAsync(string command, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Sends the message, doubling a leading dot on every line (RFC 5321 4.5.2), then the lone-dot terminator.</summary>
        public async Task WriteDataAsync(byte[] message, CancellationToken cancellationToken)
        {
            using var payload = new MemoryStream(message.Length + 64);
            var lineStart = true;
            foreach (var b in message)
            {
                if (lineStart && b == (byte)'.') payload.WriteByte((byte)'.');
                payload.WriteByte(b);
                lineStart = b == (byte)'\n';
            }
            if (!lineStart) payload.Write("\r\n"u8);
            payload.Write(".\r\n"u8);
            await stream.WriteAsync(payload.GetBuffer().AsMemory(0, (int)payload.Length), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task QuitAsync(CancellationToken cancellationToken)
        {
            try
            {
                await CommandAsync("QUIT", cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or PluginException)
            {
                // The message is already accepted (or already refused); a server hanging up early changes nothing.
            }
        }

        private async Task<Reply> ReadReplyAsync(CancellationToken cancellationToken)
        {
            var lines = new List<string>();
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                    || (line.Length > 3 && line[3] is not (' ' or '-')))
                    throw new PluginException($"SMTP server {settings.Endpoint} sent something that is not an SMTP reply: '{Shorten(line)}'", retryable: true);
                lines.Add(line.Length > 4 ? line[4..] : "");
                if (line.Length == 3 || line[3] == ' ') return new Reply(code, lines);
                if (lines.Count > MaxReplyLines)
                    throw new PluginException($"SMTP server {settings.Endpoint} sent a reply of more than {MaxReplyLines} lines", retryable: true);
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var length = newline - _start;
                    if (length > 0 && _buffer[newline - 1] == '\r') length--;
                    var line = Encoding.UTF8.GetString(_buffer, _start, length);
                    _start = newline + 1;
                    return line;
                }
                if (_end - _start >= MaxLineBytes)
                    throw new PluginException($"SMTP server {settings.Endpoint} sent a line longer than {MaxLineBytes} bytes", retryable: true);
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                if (read == 0) throw new IOException("the server closed the connection");
                _end += read;
            }
        }

        private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
    }
}
