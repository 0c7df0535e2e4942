using Microsoft.Playwright;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Scraping;

/// <summary>
/// One Chromium per plugin instance, started on first use and shared by every call; each call gets its own browser
/// context (cookies, storage and cache are not shared between steps).
/// </summary>
/// <remarks>
/// <para>Starting Chromium takes about a second and a hundred megabytes, so a browser per call would dominate the step's
/// cost. A browser that crashed or was closed is replaced on the next call. Disposing closes the browser and stops the
/// Playwright driver process.</para>
/// <para>The launch is shared, so it is not cancelled with the call that happened to start it: a caller that gives up
/// stops waiting, and the browser is kept for the next call instead of being orphaned half-started.</para>
/// </remarks>
internal sealed class SharedBrowser(WebScrapingOptions options) : IAsyncDisposable
{
    /// <summary>How long closing a context may take before the page slot is freed anyway.</summary>
    internal static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _pages = new(options.MaxConcurrentPages, options.MaxConcurrentPages);
    private Task<IBrowser>? _starting;
    private IPlaywright? _playwright;
    private bool _disposed;
    private int _launches;

    /// <summary>How many times Chromium has been started; for tests of reuse.</summary>
    public int Launches => Volatile.Read(ref _launches);

    /// <summary>Opens a fresh context in the shared browser, starting the browser when needed.</summary>
    /// <exception cref="PluginException">Chromium is missing (not retryable) or failed to start (retryable).</exception>
    public async Task<BrowserLease> OpenContextAsync(CancellationToken cancellationToken)
    {
        await _pages.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var browser = await GetBrowser().WaitAsync(cancellationToken).ConfigureAwait(false);
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { UserAgent = "Mozilla/5.0 (X11; Linux x86_64) OpenClaw/1.0" })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            return new BrowserLease(context, _pages);
        }
        catch
        {
            _pages.Release();
            throw;
        }
    }

    private Task<IBrowser> GetBrowser()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = _starting;
            var usable = current is not null
                && (!current.IsCompleted || (current.IsCompletedSuccessfully && current.Result.IsConnected));
            if (!usable) _starting = StartAsync(current);
            return _starting!;
        }
    }

    private async Task<IBrowser> StartAsync(Task<IBrowser>? previous)
    {
        if (previous is { IsCompletedSuccessfully: true }) await CloseQuietlyAsync(previous.Result).ConfigureAwait(false);

        if (!File.Exists(options.ChromiumPath))
            throw new PluginException(
                $"browser mode needs Chromium at {options.ChromiumPath}, which does not exist; install the Debian package "
                + "'chromium' or use mode 'static'", retryable: false);
        try
        {
            _playwright ??= await Playwright.CreateAsync().ConfigureAwait(false);
            var browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = options.ChromiumPath,
                Args = options.ChromiumArgs,
                Headless = true,
                Timeout = (float)options.LaunchTimeout.TotalMilliseconds,
            }).ConfigureAwait(false);
            Interlocked.Increment(ref _launches);
            return browser;
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            throw new PluginException($"Chromium ({options.ChromiumPath}) failed to start: {FirstLine(e.Message)}", retryable: true, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<IBrowser>? starting;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            starting = _starting;
            _starting = null;
        }

        if (starting is not null)
        {
            try
            {
                await CloseQuietlyAsync(await starting.ConfigureAwait(false)).ConfigureAwait(false);
            }
            catch (PluginException)
            {
                // It never started; nothing to close.
            }
        }
        _playwright?.Dispose();
        _playwright = null;
    }

    private static async Task CloseQuietlyAsync(IBrowser browser)
    {
        try
        {
            await browser.CloseAsync().WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            // Already gone (crashed or disconnected), or stuck: disposing Playwright ends its processes.
        }
    }

    /// <summary>Playwright messages carry a call log after the first line; the first line is the useful part.</summary>
    public static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }
}

/// <summary>A browser context owned by one call; disposing closes it and frees the page slot.</summary>
internal sealed class BrowserLease(IBrowserContext context, SemaphoreSlim slots) : IAsyncDisposable
{
    private int _disposed;

    public IBrowserContext Context => context;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            await context.CloseAsync().WaitAsync(SharedBrowser.CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            // The browser went away with the context in it, or the close is stuck; the slot is freed either way.
        }
        finally
        {
            slots.Release();
        }
    }
}
