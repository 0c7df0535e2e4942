using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OpenClaw.Deploy.Tests.Nginx;

/// <summary>
/// A real HTTP server on 127.0.0.1 standing in for an API process behind nginx: it reports what nginx sent it (request
/// id, body size), answers webhook and start paths like the API, and streams server-sent events on demand.
/// </summary>
internal sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoBackend(WebApplication app, string name, int port)
    {
        _app = app;
        Name = name;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>Completed by the test to let the event stream send its second event and end.</summary>
    public TaskCompletionSource ReleaseSecondEvent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<EchoBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        EchoBackend? backend = null;

        app.MapGet("/echo", (HttpRequest request) => Results.Json(new { backend = name, request_id = request.Headers["X-Request-Id"].ToString() }));
        app.MapPost("/api/v2/workflows/{id}/executions", () => Results.Json(new { id = Guid.NewGuid(), backend = name }, statusCode: 202));
        app.MapPost("/api/v2/webhooks/{path}", () => Results.Json(new { execution_id = Guid.NewGuid(), backend = name }, statusCode: 202));
        // Reads the whole body, so the test sees whether nginx let it through.
        app.MapPost("/api/v2/{**rest}", async (HttpRequest request) =>
        {
            long length = 0;
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer)) > 0) length += read;
            return Results.Json(new { received = length });
        });
        app.MapGet("/api/v2/executions/{id}/events", async (HttpResponse response) =>
        {
            response.ContentType = "text/event-stream";
            await response.WriteAsync("event: step\ndata: {\"n\":1}\n\n");
            await response.Body.FlushAsync();
            await backend!.ReleaseSecondEvent.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await response.WriteAsync("event: step\ndata: {\"n\":2}\n\n");
        });
        app.MapGet("/metrics", () => "# metrics of " + name);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        backend = new EchoBackend(app, name, new Uri(address).Port);
        return backend;
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        ReleaseSecondEvent.TrySetResult();
        await _app.DisposeAsync();
    }
}
