using System.Text;
using System.Text.Json;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>One server-sent event as a client sees it.</summary>
public sealed record ServerSentEvent(long Id, string Name, JsonElement Data);

/// <summary>Reads a <c>text/event-stream</c> body the way a browser's EventSource does (events, comments, end of stream).</summary>
public sealed class EventStreamReader(Stream body) : IDisposable
{
    private readonly StreamReader _reader = new(body, Encoding.UTF8);

    /// <summary>Comment lines seen so far (heartbeats), without the leading colon.</summary>
    public List<string> Comments { get; } = [];

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public async Task<ServerSentEvent?> NextAsync(CancellationToken cancellationToken)
    {
        string? id = null, name = null;
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length == 0) continue;
                using var document = JsonDocument.Parse(data.ToString());
                return new ServerSentEvent(long.Parse(id ?? "0", System.Globalization.CultureInfo.InvariantCulture), name ?? "message", document.RootElement.Clone());
            }
            if (line.StartsWith(':')) Comments.Add(line[1..].Trim());
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line[6..]);
        }
        return null;
    }

    /// <summary>Every event until the server ends the stream.</summary>
    public async Task<List<ServerSentEvent>> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var events = new List<ServerSentEvent>();
        while (await NextAsync(cancellationToken) is { } e) events.Add(e);
        return events;
    }

    /// <summary>Opens a stream: GET with <c>Accept: text/event-stream</c>, returning once the headers arrived.</summary>
    public static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string path, CancellationToken cancellationToken, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public void Dispose() => _reader.Dispose();
}
