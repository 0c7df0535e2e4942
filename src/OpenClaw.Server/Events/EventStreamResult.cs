using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace OpenClaw.Server.Events;

/// <summary>
/// An endpoint's answer that streams server-sent events until <paramref name="stream"/> returns or the client goes
/// away (its token is the request's <c>RequestAborted</c>). A disconnect is the normal end, not an error.
/// </summary>
internal sealed class EventStreamResult(Func<ServerSentEventWriter, CancellationToken, Task> stream) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var json = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var writer = new ServerSentEventWriter(httpContext.Response, json);
        var aborted = httpContext.RequestAborted;
        try
        {
            await writer.StartAsync(aborted);
            await stream(writer, aborted);
        }
        catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            // The client disconnected; the subscription is disposed by the stream's own using.
        }
    }
}
