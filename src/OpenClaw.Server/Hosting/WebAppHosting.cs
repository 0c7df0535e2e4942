using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace OpenClaw.Server.Hosting;

/// <summary>
/// Serves the web app (built from <c>web/</c> into the output folder's <c>webapp/</c>) at <c>/</c>: its files, and
/// <c>index.html</c> for any other GET that no endpoint answers (client-side routes such as <c>/workflows/x</c>), except
/// under the server's own prefixes, whose unknown paths stay 404.
/// </summary>
public static class WebAppHosting
{
    /// <summary>Paths the app never answers for: an unknown API path is a 404, not the app's HTML.</summary>
    private static readonly string[] ServerPrefixes = ["/api", "/metrics", "/health", "/webhooks", "/oauth", "/openapi"];

    /// <summary>Configuration key of the folder to serve; defaults to <c>webapp/</c> beside the server's assembly.</summary>
    public const string RootKey = "OpenClaw:WebApp:Root";

    public static WebApplication UseOpenClawWebApp(this WebApplication app)
    {
        var root = app.Configuration[RootKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "webapp");
        var index = Path.Combine(root, "index.html");
        if (!File.Exists(index))
        {
            app.Logger.LogInformation("No web app at {WebAppRoot} (built with -p:OpenClawSkipWebBuild=true?); serving the API only", root);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        var contentTypes = new FileExtensionContentTypeProvider();
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is null && await TrySendGzipAsync(context, files, contentTypes)) return;
            await next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = CacheControlFor(context.Context.Request.Path),
        });
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is null && IsAppRoute(context.Request))
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.Headers.CacheControl = "no-cache";
                await context.Response.SendFileAsync(files.GetFileInfo("index.html"), context.RequestAborted);
                return;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>
    /// Sends the build's gzip copy of an asset (<c>name.gz</c>, written by <c>web/scripts/compress.mjs</c>) to a client that
    /// accepts gzip: compressed once at build time, not per request.
    /// </summary>
    private static async Task<bool> TrySendGzipAsync(HttpContext context, IFileProvider files, FileExtensionContentTypeProvider contentTypes)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
        if (!request.Path.StartsWithSegments("/assets", StringComparison.Ordinal)) return false;
        if (!request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)) return false;
        var path = request.Path.Value!;
        var compressed = files.GetFileInfo(path + ".gz");
        if (!compressed.Exists || !contentTypes.TryGetContentType(path, out var contentType)) return false;

        var response = context.Response;
        response.ContentType = contentType;
        response.Headers.ContentEncoding = "gzip";
        response.Headers.Vary = "Accept-Encoding";
        response.Headers.CacheControl = CacheControlFor(request.Path);
        response.ContentLength = compressed.Length;
        if (HttpMethods.IsGet(request.Method)) await response.SendFileAsync(compressed, context.RequestAborted);
        return true;
    }

    /// <summary>
    /// Vite names every file under <c>assets/</c> by its content hash, so those never change and are cached for a year;
    /// everything else (index.html, the service worker, the manifest) is revalidated so a new build is picked up at once.
    /// </summary>
    internal static string CacheControlFor(PathString path) =>
        path.StartsWithSegments("/assets", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";

    /// <summary>A GET or HEAD for a page of the app: not under a server prefix, and not a file (no extension in the last segment).</summary>
    internal static bool IsAppRoute(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
        var path = request.Path;
        foreach (var prefix in ServerPrefixes)
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var last = path.Value?[(path.Value.LastIndexOf('/') + 1)..] ?? "";
        if (last.Contains('.', StringComparison.Ordinal)) return false;
        // A client that asked for something other than HTML (an API client on a wrong path) gets a 404, not a page.
        var accept = request.Headers.Accept.ToString();
        return accept.Length == 0 || accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) || accept.Contains("*/*", StringComparison.Ordinal);
    }
}
