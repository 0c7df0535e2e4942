using System.Net;

namespace OpenClaw.Plugins.Http;

/// <summary>
/// The process-wide client used when the host supplies no <see cref="IHttpClientFactory"/>.
/// </summary>
/// <remarks>
/// One long-lived handler pools connections across steps (a client per call would exhaust sockets), and a bounded
/// <see cref="SocketsHttpHandler.PooledConnectionLifetime"/> makes pooled connections pick up DNS changes.
/// Timeouts are applied per request by the plugin, so the client's own timeout is off.
/// </remarks>
internal static class SharedHttpClient
{
    private static readonly Lazy<HttpClient> Client = new(Create);

    public static HttpClient Instance => Client.Value;

    private static HttpClient Create() =>
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
