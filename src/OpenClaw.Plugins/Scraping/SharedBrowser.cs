using Microsoft.Playwright;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Scraping;

/// <summary>
/// One Chromium per plugin instance, started on first use and shared by every call; each call gets its own browser
/// context (cookies, storage and cache are not shared between steps).
/// </summary>
/// <remarks>
/// Starting Chromium takes about a second and a hundred megabytes, so a browser per call would dominate the step's cost.
/// A browser that crashed or was closed is replaced on the next call. Disposing closes the browser and stops the
/// Playwright driver process.
/// </remarks>
internal sealed class SharedBrowser(WebScrapingOptions options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly SemaphoreSlim _pages = new(options.MaxConcurrentPages, options.MaxConcurrentPages);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
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
            var browser = await GetBrowserAsync(cancellationToken).ConfigureAwait(false);
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                UserAgent = "Mozilla/5.0 (X11; Linux x86_64) OpenClaw/1.0",
                IgnoreHTTPSErrors = false,
            }).ConfigureAwait(false);
            return new BrowserLease(context, _pages);
        }
        catch
        {
            _pages.Release();
            throw;
        }
    }

    private async Task<IBrowser> GetBrowserAsync(CancellationToken cancellationToken)
    {
        if (_browser is { IsConnected: true } running) return running;
        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_browser is { IsConnected: true } started) return started;
            if (_browser is not null) await CloseQuietlyAsync(_browser).ConfigureAwait(false);
            _browser = null;

            if (!File.Exists(options.ChromiumPath))
                throw new PluginException(
                    $"browser mode needs Chromium at {options.ChromiumPath}, which does not exist; install the Debian package "
                    + "'chromium' or use mode 'static'", retryable: false);

            try
            {
                _playwright ??= await Playwright.CreateAsync().ConfigureAwait(false);
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = options.ChromiumPath,
                    Args = options.ChromiumArgs,
                    Headless = true,
                    Timeout = (float)options.LaunchTimeout.TotalMilliseconds,
                }).ConfigureAwait(false);
                Interlocked.Increment(ref _launches);
            }
            catch (PlaywrightException e)
            {
                throw new PluginException($"Chromium ({options.ChromiumPath}) failed to start: {FirstLine(e.Message)}", retryable: true, e);
            }
            return _browser;
        }
        finally
        {
            _startLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _startLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            if (_browser is not null) await CloseQuietlyAsync(_browser).ConfigureAwait(false);
            _playwright?.Dispose();
            _browser = null;
            _playwright = null;
        }
        finally
        {
            _startLock.Release();
        }
    }

    private static async Task CloseQuietlyAsync(IBrowser browser)
    {
        try
        {
            await browser.CloseAsync().ConfigureAwait(false);
        }
        catch (PlaywrightException)
        {
            // Already gone (crashed or disconnected); nothing left to close.
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
            await context.CloseAsync().ConfigureAwait(false);
        }
        catch (PlaywrightException)
        {
            // The browser went away with the context in it.
        }
        finally
        {
            slots.Release();
        }
    }
}
