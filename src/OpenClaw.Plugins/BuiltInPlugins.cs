using OpenClaw.Plugins.Core;
using OpenClaw.Plugins.Http;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Plugins.Transform;

namespace OpenClaw.Plugins;

/// <summary>The plugins that ship with OpenClaw, ready to register with the plugin registry.</summary>
public static class BuiltInPlugins
{
    /// <summary>Creates one instance of every built-in plugin: <c>http-request</c>, <c>transform</c>, <c>log</c> and <c>noop</c>.</summary>
    /// <param name="httpClientFactory">
    /// The host's factory, when it has one, so <c>http-request</c> shares its handler pooling and configuration (client name
    /// <see cref="HttpRequestPlugin.HttpClientName"/>). Without it a process-wide pooled client is used.
    /// </param>
    /// <remarks>The plugins are stateless and safe to call concurrently, so one instance of each serves every step.</remarks>
    public static IReadOnlyList<Plugin> Create(IHttpClientFactory? httpClientFactory = null) =>
    [
        httpClientFactory is null ? new HttpRequestPlugin() : new HttpRequestPlugin(httpClientFactory),
        new TransformPlugin(),
        new LogPlugin(),
        new NoopPlugin(),
    ];
}
