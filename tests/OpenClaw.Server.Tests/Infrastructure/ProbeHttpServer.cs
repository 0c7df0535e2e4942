using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 for steps to call: <c>/hold?ms=N</c> holds the request N ms while counting how many
/// are held at once (the most ever is <see cref="MaxConcurrent"/>), <c>/fail</c> answers 500 (a retryable failure),
/// <c>/ok</c> answers 200. Built on <see cref="HttpListener"/>, which needs no extra host.
/// </summary>
public sealed class ProbeHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _current;
    private int _max;
    private int _requests;

    public ProbeHttpServer()
    {
        // HttpListener cannot bind port 0: find a free port, then listen on it.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public string BaseUrl { get; }

    /// <summary>The most requests held at the same moment.</summary>
    public int MaxConcurrent => Volatile.Read(ref _max);

    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        var path = context.Request.Url!.AbsolutePath;
        int status = 200;
        if (path == "/hold")
        {
            int now = Interlocked.Increment(ref _current);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
            {
            }
            try
            {
                int ms = int.Parse(context.Request.QueryString["ms"] ?? "100", System.Globalization.CultureInfo.InvariantCulture);
                await Task.Delay(ms);
            }
            finally
            {
                Interlocked.Decrement(ref _current);
            }
        }
        else if (path == "/fail")
        {
            status = 500;
        }
        var body = Encoding.UTF8.GetBytes($$"""{"path":"{{path}}"}""");
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = body.Length;
        try
        {
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
        catch (HttpListenerException)
        {
            // The caller gave up (a cancelled step); nothing to answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
        _stopping.Dispose();
    }
}
