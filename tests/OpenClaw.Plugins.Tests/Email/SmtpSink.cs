using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OpenClaw.Plugins.Tests.Email;

/// <summary>One message as the sink received it.</summary>
/// <param name="WireData">The DATA section exactly as sent, before the sink removed dot-stuffing.</param>
/// <param name="Data">The message after removing dot-stuffing: what a real server would store.</param>
public sealed record ReceivedMail(
    string Helo, string MailFrom, IReadOnlyList<string> Recipients, string WireData, string Data,
    string? AuthMechanism, string? AuthUser, string? AuthPassword, bool Tls);

/// <summary>
/// A real SMTP server on 127.0.0.1 and a random port that speaks enough of RFC 5321 (EHLO/HELO, STARTTLS, AUTH PLAIN and
/// LOGIN, MAIL, RCPT, DATA, RSET, QUIT) to accept messages and record envelope and content.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly Task _acceptLoop;

    public SmtpSink(SmtpSinkOptions? options = null)
    {
        Options = options ?? new SmtpSinkOptions();
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public SmtpSinkOptions Options { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<ReceivedMail> Received => [.. _received];

    public ReceivedMail Single() => Assert.Single(Received);

    private async Task AcceptAsync()
    {
        var sessions = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                sessions.Add(ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(sessions);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                using var session = new Session(this, client.GetStream());
                await session.RunAsync(_stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client went away; a test asserting on it will notice.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }

    private sealed class Session(SmtpSink sink, Stream network) : IDisposable
    {
        private Stream _stream = network;
        private StreamReader _reader = new(network, Encoding.UTF8, false, 1024, leaveOpen: true);
        private bool _tls;
        private string _helo = "";
        private string? _mechanism;
        private string? _user;
        private string? _password;
        private string? _from;
        private readonly List<string> _recipients = [];

        private SmtpSinkOptions Options => sink.Options;

        public void Dispose()
        {
            _reader.Dispose();
            _stream.Dispose();
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await ReplyAsync("220 sink.test ESMTP ready", cancellationToken);
            while (await _reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                var argument = line.Length > verb.Length ? line[(verb.Length + 1)..] : "";
                switch (verb)
                {
                    case "EHLO":
                        _helo = argument;
                        var lines = new List<string> { "sink.test greets " + argument, "8BITMIME" };
                        if (Options.Certificate is not null && !_tls) lines.Add("STARTTLS");
                        if (Options.AuthMechanisms is { Length: > 0 } mechanisms) lines.Add("AUTH " + mechanisms);
                        if (Options.MaxSize is { } size) lines.Add($"SIZE {size}");
                        await ReplyAsync(string.Join("\r\n", lines.Select((l, i) => (i == lines.Count - 1 ? "250 " : "250-") + l)), cancellationToken);
                        break;
                    case "HELO":
                        _helo = argument;
                        await ReplyAsync("250 sink.test", cancellationToken);
                        break;
                    case "STARTTLS" when Options.Certificate is not null && !_tls:
                        await ReplyAsync("220 go ahead", cancellationToken);
                        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Options.Certificate }, cancellationToken);
                        _stream = tls;
                        _reader = new StreamReader(tls, Encoding.UTF8, false, 1024, leaveOpen: true);
                        _tls = true;
                        _helo = "";
                        break;
                    case "AUTH":
                        await AuthenticateAsync(argument, cancellationToken);
                        break;
                    case "MAIL":
                        if (Options.Username is not null && _user is null)
                        {
                            await ReplyAsync("530 5.7.0 Authentication required", cancellationToken);
                            break;
                        }
                        _from = Between(argument, '<', '>');
                        _recipients.Clear();
                        await ReplyAsync("250 2.1.0 sender ok", cancellationToken);
                        break;
                    case "RCPT":
                        var recipient = Between(argument, '<', '>');
                        if (Options.RefuseRecipients.TryGetValue(recipient, out var refusal))
                        {
                            await ReplyAsync(refusal, cancellationToken);
                            break;
                        }
                        _recipients.Add(recipient);
                        await ReplyAsync("250 2.1.5 recipient ok", cancellationToken);
                        break;
                    case "DATA":
                        await ReplyAsync("354 end with <CRLF>.<CRLF>", cancellationToken);
                        await ReceiveDataAsync(cancellationToken);
                        break;
                    case "RSET":
                        _from = null;
                        _recipients.Clear();
                        await ReplyAsync("250 ok", cancellationToken);
                        break;
                    case "QUIT":
                        await ReplyAsync("221 bye", cancellationToken);
                        return;
                    default:
                        await ReplyAsync("502 5.5.2 command not recognised", cancellationToken);
                        break;
                }
            }
        }

        private async Task AuthenticateAsync(string argument, CancellationToken cancellationToken)
        {
            var parts = argument.Split(' ', 2);
            var mechanism = parts[0].ToUpperInvariant();
            string user, password;
            if (mechanism == "PLAIN")
            {
                var token = parts.Length > 1 ? parts[1] : await ChallengeAsync("", cancellationToken);
                var fields = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\0');
                (user, password) = (fields[1], fields[2]);
            }
            else if (mechanism == "LOGIN")
            {
                user = Encoding.UTF8.GetString(Convert.FromBase64String(await ChallengeAsync("VXNlcm5hbWU6", cancellationToken)));
                password = Encoding.UTF8.GetString(Convert.FromBase64String(await ChallengeAsync("UGFzc3dvcmQ6", cancellationToken)));
            }
            else
            {
                await ReplyAsync("504 5.5.4 mechanism not supported", cancellationToken);
                return;
            }

            if (user == Options.Username && password == Options.Password)
            {
                (_mechanism, _user, _password) = (mechanism, user, password);
                await ReplyAsync("235 2.7.0 Authentication successful", cancellationToken);
            }
            else
            {
                await ReplyAsync("535 5.7.8 Authentication credentials invalid", cancellationToken);
            }
        }

        private async Task<string> ChallengeAsync(string challenge, CancellationToken cancellationToken)
        {
            await ReplyAsync("334 " + challenge, cancellationToken);
            return await _reader.ReadLineAsync(cancellationToken) ?? throw new IOException("closed during AUTH");
        }

        private async Task ReceiveDataAsync(CancellationToken cancellationToken)
        {
            var wire = new StringBuilder();
            var data = new StringBuilder();
            while (await _reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line == ".")
                {
                    sink._received.Enqueue(new ReceivedMail(_helo, _from ?? "", [.. _recipients], wire.ToString(), data.ToString(),
                        _mechanism, _user, _password, _tls));
                    await ReplyAsync("250 2.0.0 Ok: queued as SINK1", cancellationToken);
                    return;
                }
                wire.Append(line).Append("\r\n");
                data.Append(line.StartsWith('.') ? line[1..] : line).Append("\r\n");
            }
        }

        private async Task ReplyAsync(string reply, CancellationToken cancellationToken)
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\r\n"), cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }

        private static string Between(string text, char open, char close)
        {
            var start = text.IndexOf(open);
            var end = text.IndexOf(close, start + 1);
            return start >= 0 && end > start ? text[(start + 1)..end] : text;
        }
    }
}

/// <summary>What the sink offers and demands.</summary>
public sealed record SmtpSinkOptions
{
    /// <summary>When set, MAIL is refused until the client logs in with these.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Advertised in EHLO, e.g. "PLAIN LOGIN"; null or empty advertises no AUTH.</summary>
    public string? AuthMechanisms { get; init; } = "PLAIN LOGIN";

    /// <summary>When set, STARTTLS is offered with this certificate.</summary>
    public X509Certificate2? Certificate { get; init; }

    public long? MaxSize { get; init; }

    /// <summary>Recipients refused at RCPT, with the reply to give, e.g. "550 5.1.1 no such user".</summary>
    public Dictionary<string, string> RefuseRecipients { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A self-signed certificate for 127.0.0.1, made fresh for a test.</summary>
    public static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Re-import so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
