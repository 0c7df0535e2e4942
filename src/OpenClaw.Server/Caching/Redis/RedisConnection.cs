using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OpenClaw.Server.Caching.Redis;

/// <summary>
/// One TCP connection speaking RESP2: a command is an array of bulk strings; a reply is a simple string, an error, an
/// integer, a bulk string or an array. One command at a time (the pool hands a connection to one caller).
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    private RedisConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Whether the connection can be reused (no error left it mid-reply).</summary>
    public bool Healthy { get; private set; } = true;

    public static async Task<RedisConnection> OpenAsync(RedisSettings settings, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, cancellationToken).ConfigureAwait(false);
            var connection = new RedisConnection(client);
            if (settings.Password is not null)
            {
                string[] auth = settings.User is null ? ["AUTH", settings.Password] : ["AUTH", settings.User, settings.Password];
                await connection.ExecuteAsync(auth, cancellationToken).ConfigureAwait(false);
            }
            if (settings.Database != 0)
                await connection.ExecuteAsync(["SELECT", settings.Database.ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and reads its reply: a string (simple or bulk; null for a nil bulk), a long, or an array.</summary>
    /// <exception cref="RedisException">The server answered with an error.</exception>
    public async Task<object?> ExecuteAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(Encode(command), cancellationToken).ConfigureAwait(false);
            return await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            throw;
        }
        catch
        {
            Healthy = false;
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static byte[] Encode(IReadOnlyList<string> command)
    {
        var builder = new StringBuilder();
        builder.Append('*').Append(command.Count).Append("\r\n");
        foreach (var part in command)
        {
            builder.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private async Task<object?> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var payload = line[1..];
        switch (line[0])
        {
            case '+':
                return payload;
            case '-':
                throw new RedisException(payload);
            case ':':
                return long.Parse(payload, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(payload, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                if (length < 0) return null;
                var bytes = await ReadExactlyAsync(length + 2, cancellationToken).ConfigureAwait(false);
                return Encoding.UTF8.GetString(bytes, 0, length);
            case '*':
                var count = int.Parse(payload, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                if (count < 0) return null;
                var items = new object?[count];
                for (var i = 0; i < count; i++) items[i] = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
                return items;
            default:
                throw new IOException($"Unexpected RESP reply type '{line[0]}'.");
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline > _start && _buffer[newline - 1] == '\r')
            {
                var text = Encoding.UTF8.GetString(_buffer, _start, newline - 1 - _start);
                _start = newline + 1;
                if (text.Length == 0) throw new IOException("Empty RESP line.");
                return text;
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end) await FillAsync(cancellationToken).ConfigureAwait(false);
            var n = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, copied, n);
            _start += n;
            copied += n;
        }
        return result;
    }

    /// <summary>Reads more bytes, first moving what is left to the front; a line longer than the buffer is refused.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) throw new IOException("A RESP header line is longer than the read buffer.");
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0) throw new IOException("The Redis server closed the connection.");
        _end += read;
    }
}

/// <summary>The Redis server answered a command with an error reply (e.g. <c>WRONGPASS</c>, <c>NOAUTH</c>).</summary>
public sealed class RedisException(string message) : Exception(message);
