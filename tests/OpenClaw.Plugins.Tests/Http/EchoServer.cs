using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Plugins.Tests.Http;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a random port that echoes what it receives, so tests can assert on the wire
/// format. One instance is shared by the tests of a class.
/// </summary>
public sealed class EchoServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrivals = new();
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public string Url(string pathAndQuery) => new Uri(BaseAddress, pathAndQuery).ToString();

    /// <summary>Completes when a request to <c>/hang/{id}</c> has reached the server.</summary>
    public Task WaitForArrivalAsync(string id) => Arrival(id).Task.WaitAsync(TimeSpan.FromSeconds(10));

    private TaskCompletionSource Arrival(string id) =>
        _arrivals.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();

        _app.Map("/echo", Echo);
        _app.Map("/status/{code:int}", async (HttpContext context, int code) =>
        {
            context.Response.StatusCode = code;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync($"  status {code}\n  from   the echo server  ");
        });
        _app.Map("/hang/{id}", async (HttpContext context, string id) =>
        {
            Arrival(id).TrySetResult();
            var aborted = new TaskCompletionSource();
            using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
            await aborted.Task;
        });
        _app.Map("/bytes/{count:int}", async (HttpContext context, int count) =>
        {
            var chunked = context.Request.Query.ContainsKey("chunked");
            if (!chunked) context.Response.ContentLength = count;
            context.Response.ContentType = "text/plain";
            var chunk = Encoding.ASCII.GetBytes(new string('a', 100));
            for (var sent = 0; sent < count; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, count - sent)));
                if (chunked) await context.Response.Body.FlushAsync();
            }
        });
        _app.Map("/content", async (HttpContext context) =>
        {
            // Serves the given body with the given content type, to exercise response parsing.
            context.Response.ContentType = context.Request.Query["type"].ToString();
            var body = context.Request.Query["body"].ToString();
            var charset = context.Request.Query["charset"].ToString();
            var bytes = charset.Length > 0 ? Encoding.GetEncoding(charset).GetBytes(body) : Encoding.UTF8.GetBytes(body);
            await context.Response.Body.WriteAsync(bytes);
        });
        _app.Map("/multi-header", (HttpContext context) =>
        {
            context.Response.Headers.Append("X-Multi", "one");
            context.Response.Headers.Append("X-Multi", "two");
            context.Response.Headers["X-Mixed-Case"] = "kept";
            return Task.CompletedTask;
        });

        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    private static async Task Echo(HttpContext context)
    {
        var request = context.Request;
        var headers = new JsonObject();
        foreach (var (name, values) in request.Headers) headers[name.ToLowerInvariant()] = values.ToString();
        var args = new JsonObject();
        foreach (var (name, values) in request.Query) args[name] = new JsonArray([.. values.Select(v => (JsonNode?)v)]);

        var echo = new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = request.Path.Value,
            ["query"] = request.QueryString.Value,
            ["args"] = args,
            ["headers"] = headers,
            ["content_type"] = request.ContentType,
        };

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var fields = new JsonObject();
            foreach (var (name, values) in form) fields[name] = new JsonArray([.. values.Select(v => (JsonNode?)v)]);
            var files = new JsonArray();
            foreach (var file in form.Files)
            {
                using var stream = new MemoryStream();
                await file.CopyToAsync(stream);
                files.Add(new JsonObject
                {
                    ["name"] = file.Name,
                    ["filename"] = file.FileName,
                    ["content_type"] = file.ContentType,
                    ["base64"] = Convert.ToBase64String(stream.ToArray()),
                });
            }
            echo["form"] = fields;
            echo["files"] = files;
        }
        else
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            echo["body"] = await reader.ReadToEndAsync();
        }

        context.Response.Headers["X-Echo-Method"] = request.Method;
        if (HttpMethods.IsHead(request.Method)) return;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(echo.ToJsonString());
    }
}
