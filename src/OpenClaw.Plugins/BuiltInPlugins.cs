using OpenClaw.Plugins.Code;
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
