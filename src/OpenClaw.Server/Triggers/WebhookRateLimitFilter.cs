using System.Globalization;
using Microsoft.Extensions.Options;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Triggers;

/// <summary>
/// The per-path webhook rate (<see cref="WebhookOptions.RateLimitPerSecond"/>, one-second windows): one noisy or
/// guessed webhook cannot starve the others. Cluster-wide through Redis when it is configured (the key is the path's
/// hash, never the secret path), else per node. Over it: 429 with <c>Retry-After</c>.
/// </summary>
internal sealed class WebhookRateLimitFilter(SharedRateLimiter rates, IOptions<WebhookOptions> options) : IEndpointFilter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var path = http.Request.RouteValues["path"] as string ?? "";
        if (await rates.TryAcquireAsync("webhook:" + WebhookPaths.Hash(path), options.Value.RateLimitPerSecond, Window, http.RequestAborted) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem("This webhook is called more often than it may be; try again after Retry-After seconds.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
        }
        return await next(context);
    }
}
