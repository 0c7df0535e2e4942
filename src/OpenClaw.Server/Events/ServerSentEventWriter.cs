using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace OpenClaw.Server.Events;

/// <summary>
/// Writes a <c>text/event-stream</c> response: events with <c>id:</c>, <c>event:</c> and one <c>data:</c> line of JSON,
/// and comment lines as heartbeats. Each write is flushed at once.
/// </summary>
/// <remarks>
/// Hand-written rather than <c>TypedResults.ServerSentEvents</c>: that result writes only events from one enumerable,
/// while these streams interleave events with heartbeat comments and decide what to send from each reload.
/// </remarks>
internal sealed class ServerSentEventWriter(HttpResponse response, JsonSerializerOptions json)
{
    public const string ContentType = "text/event-stream";

    /// <summary>Sends the headers: no caching, no proxy buffering (nginx honours <c>X-Accel-Buffering</c>).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken);
        // Tells the client how long to wait before reconnecting (ms), then flushes the headers.
        await WriteAsync("retry: 2000\n\n", cancellationToken);
    }

    /// <summary>One event; <paramref name="data"/> is serialised as single-line JSON with the API's naming.</summary>
    public Task WriteEventAsync(string name, long id, object data, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(data, data.GetType(), json);
        return WriteAsync($"id: {id}\nevent: {name}\ndata: {payload}\n\n", cancellationToken);
    }

    /// <summary>A comment line: ignored by clients, keeps proxies and the connection from timing out.</summary>
    public Task WriteCommentAsync(string text, CancellationToken cancellationToken) => WriteAsync($": {text}\n\n", cancellationToken);

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
