using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Plugins.Tests.Scraping;

/// <summary>A real Kestrel server on 127.0.0.1 serving small HTML pages, some of which build their content in JavaScript.</summary>
public sealed class PageServer : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    private const string ListPage = """
        <!doctype html>
        <html><head><title>Static list</title></head><body>
          <ul class="items">
            <li class="item">
              One
            </li>
            <li class="item">Two</li>
            <li class="item">Three <b>bold</b></li>
          </ul>
          <a class="link" href="/first">First</a>
          <a class="link">No href</a>
          <a class="link" href="https://example.invalid/second">Second</a>
        </body></html>
        """;

    // The list is empty in the HTML; a script fills it once the page has loaded.
    private const string DynamicPage = """
        <!doctype html>
        <html><head><title>Dynamic list</title></head><body>
          <ul id="list"></ul>
          <script>
            window.addEventListener('load', () => {
              for (const name of ['alpha', 'beta', 'gamma']) {
                const li = document.createElement('li');
                li.className = 'generated';
                li.dataset.name = name.toUpperCase();
                li.textContent = 'Item ' + name;
                document.getElementById('list').appendChild(li);
              }
            });
          </script>
        </body></html>
        """;

    // Content that appears well after the load event, as it would after a slow API call.
    private const string LatePage = """
        <!doctype html>
        <html><body>
          <div id="root">loading</div>
          <script>
            window.addEventListener('load', () => setTimeout(() => {
              const p = document.createElement('p');
              p.className = 'late';
              p.textContent = 'arrived late';
              document.body.appendChild(p);
            }, 400));
          </script>
        </body></html>
        """;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();

        _app.MapGet("/list", () => Results.Content(ListPage, "text/html; charset=utf-8"));
        _app.MapGet("/dynamic", () => Results.Content(DynamicPage, "text/html; charset=utf-8"));
        _app.MapGet("/late", () => Results.Content(LatePage, "text/html; charset=utf-8"));
        _app.MapGet("/redirect", () => Results.Redirect("/list"));
        _app.MapGet("/latin1", async (HttpContext context) =>
        {
            // No charset in the header: the page's own <meta charset> must be honoured.
            context.Response.ContentType = "text/html";
            var page = "<html><head><meta charset=\"iso-8859-1\"></head><body><p class=\"word\">caf\u00e9 cr\u00e8me</p></body></html>";
            await context.Response.Body.WriteAsync(Encoding.Latin1.GetBytes(page));
        });
        _app.MapGet("/status/{code:int}", (int code) => Results.Content($"<p>status {code}</p>", "text/html", null, code));
        _app.MapGet("/hang", async (HttpContext context) =>
        {
            var aborted = new TaskCompletionSource();
            using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
            await aborted.Task;
        });

        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
