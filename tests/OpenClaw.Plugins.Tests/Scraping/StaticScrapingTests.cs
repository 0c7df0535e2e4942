using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Scraping;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Scraping;

/// <summary>Static mode: the HTML as served, parsed with AngleSharp.</summary>
public sealed class StaticScrapingTests(PageServer server, ScraperFixture scraper) : IClassFixture<PageServer>, IClassFixture<ScraperFixture>
{
    private async Task<JsonObject> Scrape(JsonObject inputs, TestPluginContext? context = null) =>
        await scraper.Plugin.ExecuteAsync(inputs, context ?? new TestPluginContext());

    private static string[] Data(JsonObject output) => [.. output["data"]!.AsArray().Select(n => (string)n!)];

    [Fact]
    public async Task Selector_ReturnsTheTrimmedTextOfEveryMatch_InDocumentOrder()
    {
        var output = await Scrape(new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "ul.items > li" });

        Assert.Equal(["One", "Two", "Three bold"], Data(output));
        Assert.Equal(3, (int)output["count"]!);
        Assert.Equal(server.Url("/list"), (string?)output["url"]);
    }

    [Fact]
    public async Task Attribute_ReturnsItsValues_LeavingOutElementsWithoutIt()
    {
        var output = await Scrape(new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "a.link", ["attribute"] = "href" });

        Assert.Equal(["/first", "https://example.invalid/second"], Data(output));
        Assert.Equal(2, (int)output["count"]!);
    }

    [Fact]
    public async Task ContentBuiltByJavaScript_IsNotSeen_InStaticMode()
    {
        var output = await Scrape(new JsonObject { ["url"] = server.Url("/dynamic"), ["selector"] = "li.generated" });

        Assert.Empty(Data(output));
        Assert.Equal(0, (int)output["count"]!);
    }

    [Fact]
    public async Task CharsetDeclaredInTheMetaTag_IsHonoured()
    {
        var output = await Scrape(new JsonObject { ["url"] = server.Url("/latin1"), ["selector"] = "p.word" });

        Assert.Equal(["caf\u00e9 cr\u00e8me"], Data(output));
    }

    [Fact]
    public async Task Redirects_AreFollowed_AndTheFinalUrlReported()
    {
        var output = await Scrape(new JsonObject { ["url"] = server.Url("/redirect"), ["selector"] = "li.item" });

        Assert.Equal(3, (int)output["count"]!);
        Assert.Equal(server.Url("/list"), (string?)output["url"]);
    }

    [Theory]
    [InlineData(404, false)]
    [InlineData(403, false)]
    [InlineData(503, true)]
    [InlineData(429, true)]
    public async Task ErrorStatus_FailsTheStep_RetryableOnlyForServerErrorsAndThrottling(int status, bool retryable)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Scrape(new JsonObject { ["url"] = server.Url($"/status/{status}"), ["selector"] = "p" }));

        Assert.Equal(retryable, error.Retryable);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowServer_FailsRetryablyAfterTheTimeout()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Scrape(new JsonObject { ["url"] = server.Url("/hang"), ["selector"] = "p", ["timeout"] = "300ms" }));

        Assert.True(error.Retryable);
        Assert.Contains("timed out after 300ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedConnection_FailsRetryably()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Scrape(new JsonObject { ["url"] = $"http://127.0.0.1:{port}/", ["selector"] = "p" }));

        Assert.True(error.Retryable);
        Assert.Contains($"GET http://127.0.0.1:{port}/ failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_SurfacesAsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var running = Scrape(new JsonObject { ["url"] = server.Url("/hang"), ["selector"] = "p" }, new TestPluginContext { Token = cancellation.Token });
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task PageLargerThanTheLimit_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Scrape(new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "li", ["max_response_bytes"] = 100 }));

        Assert.False(error.Retryable);
        Assert.Contains("max_response_bytes is 100", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("url", "ftp://example.com/", "input 'url' must be an absolute http or https URL")]
    [InlineData("selector", "ul >> li[", "input 'selector' is not a valid CSS selector")]
    [InlineData("mode", "headless", "input 'mode' must be static or browser")]
    [InlineData("timeout", "soon", "input 'timeout' must be a positive duration")]
    [InlineData("wait_for", "p.late", "input 'wait_for' only applies to mode 'browser'")]
    public async Task InvalidInputs_FailWithoutRetry_NamingTheInput(string input, string value, string message)
    {
        var inputs = new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "li" };
        inputs[input] = value;

        var error = await Assert.ThrowsAsync<PluginException>(() => Scrape(inputs));

        Assert.False(error.Retryable);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrowserMode_WithoutChromium_FailsWithoutRetry_NamingThePackage()
    {
        await using var plugin = new WebScrapingPlugin(new HttpClient(), new WebScrapingOptions { ChromiumPath = "/nonexistent/chromium" });

        var error = await Assert.ThrowsAsync<PluginException>(async () => await plugin.ExecuteAsync(
            new JsonObject { ["url"] = server.Url("/list"), ["selector"] = "li", ["mode"] = "browser" }, new TestPluginContext()));

        Assert.False(error.Retryable);
        Assert.Contains("needs Chromium at /nonexistent/chromium", error.Message, StringComparison.Ordinal);
        Assert.Contains("'chromium'", error.Message, StringComparison.Ordinal);
    }
}
