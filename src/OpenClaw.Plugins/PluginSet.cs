using System.Collections;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins;

/// <summary>
/// A list of plugin instances that disposes those holding resources (web-scraping's Chromium) when disposed. Register
/// it through a factory so the host's container disposes it on shutdown.
/// </summary>
public sealed class PluginSet(IReadOnlyList<Plugin> plugins) : IReadOnlyList<Plugin>, IAsyncDisposable
{
    /// <inheritdoc />
    public Plugin this[int index] => plugins[index];

    /// <inheritdoc />
    public int Count => plugins.Count;

    /// <inheritdoc />
    public IEnumerator<Plugin> GetEnumerator() => plugins.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every plugin that holds resources.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var plugin in plugins)
        {
            if (plugin is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            else if (plugin is IDisposable disposable) disposable.Dispose();
        }
    }
}
