using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OpenClaw.Server.Hosting;

namespace OpenClaw.Server.Api;

/// <summary>
/// API versions as the specification defines them: <c>/api/v1</c> and <c>/api/v2</c> in the path, or the version asked
/// for in <c>Accept</c> (<c>application/vnd.openclaw.v1+json</c> or <c>application/json; version=1</c>) on an
/// unversioned <c>/api/...</c> path; v2 when nothing says otherwise; 406 for a version we do not serve. Every v1
/// answer carries <c>X-API-Deprecated</c> and <c>X-API-Sunset</c> (and the standard <c>Deprecation</c>/<c>Sunset</c>).
/// </summary>
internal sealed partial class ApiVersioningMiddleware(RequestDelegate next, IOptions<OpenClawServerOptions> options)
{
    public const string Default = "v2";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith("/api/", StringComparison.Ordinal) && path != "/api")
        {
            await next(context);
            return;
        }

        var requested = RequestedVersion(context.Request);
        var inPath = PathVersion().Match(path);
        string version;
        if (inPath.Success)
        {
            version = inPath.Groups[1].Value;
            if (requested is not null && requested != version)
            {
                await NotAcceptableAsync(context, $"The path asks for API {version} but Accept asks for {requested}.");
                return;
            }
        }
        else
        {
            version = requested ?? Default;
            context.Request.Path = "/api/" + version + path["/api".Length..];
        }

        if (!ApiRoutes.Versions.Contains(version))
        {
            await NotAcceptableAsync(context, $"API {version} is not served; supported: {string.Join(", ", ApiRoutes.Versions)}.");
            return;
        }

        if (version == "v1")
        {
            var sunset = options.Value.ApiV1Sunset;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers["X-API-Deprecated"] = "v1";
                headers["X-API-Sunset"] = sunset.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                headers["Deprecation"] = "true";
                headers["Sunset"] = sunset.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
        }
        await next(context);
    }

    /// <summary>The version named by Accept, e.g. "v1", or null when Accept names none.</summary>
    private static string? RequestedVersion(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)) return null;
        foreach (var media in accepted)
        {
            var vendor = VendorType().Match(media.MediaType.Value ?? "");
            if (vendor.Success) return "v" + vendor.Groups[1].Value;
            var parameter = media.Parameters.FirstOrDefault(p => p.Name.Equals("version", StringComparison.OrdinalIgnoreCase));
            if (parameter?.Value.Value is { } value) return "v" + value.Trim('"').TrimStart('v', 'V');
        }
        return null;
    }

    private static Task NotAcceptableAsync(HttpContext context, string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status406NotAcceptable, title: "Unsupported API version").ExecuteAsync(context);

    [GeneratedRegex("^/api/(v[0-9]+)(/|$)")]
    private static partial Regex PathVersion();

    [GeneratedRegex(@"^application/vnd\.openclaw\.v([0-9]+)\+json$", RegexOptions.IgnoreCase)]
    private static partial Regex VendorType();
}
