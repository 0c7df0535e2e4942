namespace OpenClaw.Plugins.Scraping;

/// <summary>How <c>web-scraping</c> starts the browser it uses in <c>browser</c> mode.</summary>
public sealed record WebScrapingOptions
{
    /// <summary>Debian's <c>chromium</c> package. Playwright is never allowed to download a browser of its own.</summary>
    public const string DefaultChromiumPath = "/usr/bin/chromium";

    /// <summary>The Chromium executable.</summary>
    public string ChromiumPath { get; init; } = DefaultChromiumPath;

    /// <summary>
    /// Command-line switches for Chromium. The defaults turn off the sandbox (Chromium's own sandbox cannot start as root or
    /// inside a container without user namespaces; OpenClaw's sandbox isolates it instead), the GPU, and everything that
    /// talks to Google in the background.
    /// </summary>
    public IReadOnlyList<string> ChromiumArgs { get; init; } =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run",
    ];

    /// <summary>Pages open at the same time in the shared browser; further calls wait. Bounds the browser's memory.</summary>
    public int MaxConcurrentPages { get; init; } = 4;

    /// <summary>Time allowed for Chromium to start.</summary>
    public TimeSpan LaunchTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
