using System.Text.Json.Nodes;
using OpenClaw.Plugins.Scraping;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Scraping;

/// <summary>One plugin instance, and so one Chromium, shared by the browser-mode tests of a class.</summary>
public sealed class ScraperFixture : IAsyncLifetime
{
    public WebScrapingPlugin Plugin { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Plugin.DisposeAsync();
}

/// <summary>Browser mode: Playwright driving Debian's Chromium against pages served on loopback.</summary>
public sealed class BrowserScrapingTests(PageServer server, ScraperFixture scraper) : IClassFixture<PageServer>, IClassFixture<ScraperFixture>
{
    private async Task<JsonObject> Scrape(JsonObject inputs, TestPluginContext? context = null) =>
        await scraper.Plugin.ExecuteAsync(inputs, context ?? new TestPluginContext());

    private static string[] Data(JsonObject output) => [.. output["data"]!.AsArray().Select(n => (string)n!)];

    [BrowserFact]
    public async Task ContentBuiltByJavaScriptAfterLoad_IsFoundInBrowserMode_ButNotInStaticMode()
    {
        var url = server.Url("/dynamic");

        var rendered = await Scrape(new JsonObject { ["url"] = url, ["selector"] = "li.generated", ["mode"] = "browser" });
        var served = await Scrape(new JsonObject { ["url"] = url, ["selector"] = "li.generated", ["mode"] = "static" });

        Assert.Equal(["Item alpha", "Item beta", "Item gamma"], Data(rendered));
        Assert.Equal(3, (int)rendered["count"]!);
        Assert.Equal(0, (int)served["count"]!);
    }

    [BrowserFact]
    public async Task Attribute_IsReadFromTheLiveDom()
    {
        var output = await Scrape(new JsonObject
        {
            ["url"] = server.Url("/dynamic"), ["selector"] = "li.generated", ["attribute"] = "data-name", ["mode"] = "browser",
        });

        Assert.Equal(["ALPHA", "BETA", "GAMMA"], Data(output));
    }

    [BrowserFact]
    public async Task WaitFor_WaitsForContentThatAppearsAfterLoad()
    {
        var output = await Scrape(new JsonObject
        {
            ["url"] = server.Url("/late"), ["selector"] = "p.late", ["wait_for"] = "p.late", ["mode"] = "browser",
        });

        Assert.Equal(["arrived late"], Data(output));
    }

    [BrowserFact]
    public async Task WaitFor_ThatNeverMatches_FailsRetryablyAfterTheTimeout_NamingTheSelector()
    {
        // Start the browser first, so the budget is spent waiting for the selector, not on the launch.
        await Scrape(new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "li", ["mode"] = "browser" });

        var error = await Assert.ThrowsAsync<PluginException>(() => Scrape(new JsonObject
        {
            ["url"] = server.Url("/list"), ["selector"] = "li", ["wait_for"] = "p.never", ["mode"] = "browser", ["timeout"] = "3s",
        }));

        Assert.True(error.Retryable);
        Assert.Contains("timed out after 3s waiting for an element matching 'p.never'", error.Message, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task ErrorStatus_FailsLikeStaticMode()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Scrape(new JsonObject { ["url"] = server.Url("/status/404"), ["selector"] = "p", ["mode"] = "browser" }));

        Assert.False(error.Retryable);
        Assert.Contains("HTTP 404", error.Message, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task Cancellation_SurfacesAsOperationCanceled_AndTheBrowserStaysUsable()
    {
        using var cancellation = new CancellationTokenSource();
        var running = Scrape(new JsonObject { ["url"] = server.Url("/hang"), ["selector"] = "p", ["mode"] = "browser" },
            new TestPluginContext { Token = cancellation.Token });
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var output = await Scrape(new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "li.item", ["mode"] = "browser" });
        Assert.Equal(3, (int)output["count"]!);
    }

    [BrowserFact]
    public async Task OneBrowser_ServesEveryCall_IncludingConcurrentOnes()
    {
        await Scrape(new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "li", ["mode"] = "browser" });

        var outputs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Scrape(new JsonObject { ["url"] = server.Url("/dynamic"), ["selector"] = "li.generated", ["mode"] = "browser" })));

        Assert.All(outputs, o => Assert.Equal(3, (int)o["count"]!));
        Assert.Equal(1, scraper.Plugin.BrowserLaunches);
    }
}

/// <summary>The browser's lifetime is the plugin's.</summary>
public sealed class BrowserLifetimeTests(PageServer server) : IClassFixture<PageServer>
{
    [BrowserFact]
    public async Task NoBrowserIsStarted_UntilBrowserModeIsUsed_AndDisposeClosesIt()
    {
        var plugin = new WebScrapingPlugin();
        await plugin.ExecuteAsync(new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "li" }, new TestPluginContext());
        Assert.Equal(0, plugin.BrowserLaunches);

        await plugin.ExecuteAsync(new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "li", ["mode"] = "browser" }, new TestPluginContext());
        Assert.Equal(1, plugin.BrowserLaunches);

        await plugin.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await plugin.ExecuteAsync(
            new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "li", ["mode"] = "browser" }, new TestPluginContext()));
    }
}
