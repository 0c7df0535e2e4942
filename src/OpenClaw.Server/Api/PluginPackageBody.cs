using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace OpenClaw.Server.Api;

/// <summary>Reads a plugin package (a zip) from a request body, within the registry's package-size limit.</summary>
internal static class PluginPackageBody
{
    private static readonly string[] ZipMediaTypes = ["application/zip", "application/x-zip-compressed", "application/octet-stream"];

    /// <summary>The body in memory, or the problem to answer: 415 for another content type, 413 past <paramref name="maxBytes"/>.</summary>
    /// <remarks>
    /// Buffered because the validator reads the package twice (checks, then extraction). The server-wide body limit is
    /// raised to the package limit for this request only: packages may be larger than any JSON body.
    /// </remarks>
    public static async Task<(MemoryStream? Package, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !ZipMediaTypes.Contains(type.MediaType.Value, StringComparer.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem($"Send the plugin package as the body, with Content-Type application/zip (got '{request.ContentType}').",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
        }
        if (request.ContentLength > maxBytes) return (null, TooLarge(maxBytes));
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes + 1;

        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                await buffer.DisposeAsync();
                return (null, TooLarge(maxBytes));
            }
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return (buffer, null);
    }

    private static ProblemHttpResult TooLarge(long maxBytes) =>
        TypedResults.Problem($"Plugin packages are limited to {maxBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The plugin package is too large");
}
