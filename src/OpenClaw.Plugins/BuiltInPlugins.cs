using OpenClaw.Plugins.Code;
using OpenClaw.Plugins.Core;
using OpenClaw.Plugins.Database;
using OpenClaw.Plugins.Email;
using OpenClaw.Plugins.Http;
using OpenClaw.Plugins.Notification;
using OpenClaw.Plugins.Scraping;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Plugins.Storage;
using OpenClaw.Plugins.Transform;

namespace OpenClaw.Plugins;

/// <summary>The plugins that ship with OpenClaw, ready to register with the plugin registry.</summary>
public static class BuiltInPlugins
{
    /// <summary>
    /// Creates one instance of every built-in plugin that is safe to run in the server process: <c>http-request</c>,
    /// <c>web-scraping</c>, <c>transform</c>, <c>email</c>, <c>database-query</c>, <c>notification</c>,
    /// <c>object-storage</c>, <c>log</c> and <c>noop</c>.
    /// </summary>
    /// <param name="httpClientFactory">
    /// The host's factory, when it has one, so the plugins that make HTTP calls share its handler pooling and configuration
    /// (client names <see cref="HttpRequestPlugin.HttpClientName"/>, <see cref="WebScrapingPlugin.HttpClientName"/> and
    /// <see cref="NotificationPlugin.HttpClientName"/>). Without it a process-wide pooled client is used.
    /// </param>
    /// <param name="scrapingOptions">Where Chromium is and how it starts, for <c>web-scraping</c>'s browser mode.</param>
    /// <remarks>
    /// <para>The plugins are safe to call concurrently, so one instance of each serves every step. <c>web-scraping</c>
    /// keeps one Chromium for the process once browser mode is used: dispose the returned <see cref="PluginSet"/> when the
    /// host stops (registered through a factory, the container does).</para>
    /// <para><c>code</c> is not here: it runs user code, see <see cref="CreateSandboxed"/>.</para>
    /// </remarks>
    public static PluginSet Create(IHttpClientFactory? httpClientFactory = null, WebScrapingOptions? scrapingOptions = null) =>
        new([
        httpClientFactory is null ? new HttpRequestPlugin() : new HttpRequestPlugin(httpClientFactory),
        httpClientFactory is null
            ? new WebScrapingPlugin(SharedHttpClient.Instance, scrapingOptions)
            : new WebScrapingPlugin(httpClientFactory, scrapingOptions),
        new TransformPlugin(),
        new EmailPlugin(),
        new DatabaseQueryPlugin(),
        httpClientFactory is null ? new NotificationPlugin() : new NotificationPlugin(httpClientFactory),
        new ObjectStoragePlugin(),
        new LogPlugin(),
        new NoopPlugin(),
        ]);

    /// <summary>Creates the plugins that run user code and so must only run inside the sandbox runner: <c>code</c>.</summary>
    /// <remarks>
    /// These are deliberately not in <see cref="Create"/>: the host must hand them to the sandbox (they carry the tags
    /// <c>code</c> and <c>untrusted</c>), never call them in its own process.
    /// </remarks>
    public static IReadOnlyList<Plugin> CreateSandboxed(CodePluginOptions? codeOptions = null) =>
    [
        new CodePlugin(codeOptions ?? new CodePluginOptions()),
    ];
}
