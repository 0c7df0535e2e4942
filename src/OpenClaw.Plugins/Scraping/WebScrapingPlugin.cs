using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using AngleSharp.Io;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using OpenClaw.Plugins.Http;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Scraping;

/// <summary>Fetches a web page and returns the text (or an attribute) of every element matching a CSS selector.</summary>
/// <remarks>
/// <para><c>static</c> mode downloads the HTML with an HTTP GET and parses it with AngleSharp: fast, but it sees only what
/// the server sent. <c>browser</c> mode loads the page in headless Chromium (through Playwright), runs its scripts, and
/// queries the live DOM, for pages that build their content in JavaScript.</para>
/// <para>In browser mode one Chromium per plugin instance is started on first use and reused; each call gets its own
/// browser context. Dispose the plugin to close the browser.</para>
/// <para>Failures follow <c>http-request</c>: invalid inputs and 4xx answers are not retryable; 5xx, timeouts and
/// network errors are. Cancellation of <see cref="PluginContext.CancellationToken"/> surfaces as
/// <see cref="OperationCanceledException"/>.</para>
/// </remarks>
[Plugin("web-scraping", Version = "1.0.0", Author = "OpenClaw", Category = "data-collection",
    Tags = ["web", "scraping", "automation", "html", "browser"],
    Permissions = [PluginPermissions.Network, PluginPermissions.JavaScript],
    Description = "Extracts the text or attributes of the elements matching a CSS selector from a web page, optionally rendered in a browser.")]
public sealed class WebScrapingPlugin : Plugin, IAsyncDisposable
{
    /// <summary>The <see cref="IHttpClientFactory"/> client name used in static mode.</summary>
    public const string HttpClientName = "OpenClaw.WebScraping";

    private const int DefaultMaxBytes = 10 * 1024 * 1024;
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly PluginSchema Inputs = PluginSchema.Of(
        new PluginField("url", "string", Required: true, Description: "Absolute http or https URL of the page."),
        new PluginField("selector", "string", Required: true, Description: "CSS selector of the elements to extract, e.g. \"ul.items > li\"."),
        new PluginField("mode", "string",
            Description: "static parses the HTML the server sends; browser renders the page in headless Chromium first, running its scripts.",
            Default: "static", Enum: ["static", "browser"]),
        new PluginField("attribute", "string",
            Description: "Return this attribute of each element (e.g. href) instead of its text; elements without it are left out."),
        new PluginField("wait_for", "string",
            Description: "Browser mode: a CSS selector to wait for after the page has loaded, for content that appears later."),
        new PluginField("timeout", "any", Description: "Time allowed for the whole call, as seconds (10) or with a unit (500ms, 10s, 2m).",
            Default: "30s"),
        new PluginField("max_response_bytes", "integer", Description: "Static mode: largest page accepted, in bytes.", Default: DefaultMaxBytes));

    private static readonly PluginSchema Outputs = PluginSchema.Of(
        new PluginField("data", "array", Description: "The text (whitespace trimmed) or attribute value of each matching element, in document order."),
        new PluginField("count", "integer", Description: "Number of entries in data."),
        new PluginField("url", "string", Description: "The URL of the page after redirects."));

    private readonly Func<HttpClient> _client;
    private readonly SharedBrowser _browser;

    /// <summary>Uses a process-wide pooled HTTP client and Debian's Chromium with the default switches.</summary>
    public WebScrapingPlugin() : this(SharedHttpClient.Instance)
    {
    }

    /// <summary>Uses <paramref name="httpClient"/> in static mode.</summary>
    /// <param name="httpClient">A long-lived client whose <see cref="HttpClient.Timeout"/> is infinite; the step's timeout applies.</param>
    /// <param name="options">How to start Chromium for browser mode.</param>
    public WebScrapingPlugin(HttpClient httpClient, WebScrapingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _client = () => httpClient;
        _browser = new SharedBrowser(options ?? new WebScrapingOptions());
    }

    /// <summary>Creates a client named <see cref="HttpClientName"/> per call, which is how the factory pools handlers.</summary>
    public WebScrapingPlugin(IHttpClientFactory httpClientFactory, WebScrapingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        _client = () =>
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            client.Timeout = Timeout.InfiniteTimeSpan;
            return client;
        };
        _browser = new SharedBrowser(options ?? new WebScrapingOptions());
    }

    /// <inheritdoc />
    public override PluginSchema InputSchema => Inputs;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => Outputs;

    /// <inheritdoc />
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var request = ScrapeRequest.Parse(inputs);
        var progress = new Progress();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(request.Timeout);
        try
        {
            var (values, finalUrl) = request.Browser
                ? await ScrapeInBrowserAsync(request, progress, timeout.Token).ConfigureAwait(false)
                : await ScrapeStaticAsync(request, progress, timeout.Token).ConfigureAwait(false);
            context.Logger.LogDebug("Scraped {Count} values matching {Selector} from {Url} ({Mode} mode)", values.Count, request.Selector,
                finalUrl, request.Browser ? "browser" : "static");
            return new JsonObject
            {
                ["data"] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]),
                ["count"] = values.Count,
                ["url"] = finalUrl,
            };
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (timeout.IsCancellationRequested && e is OperationCanceledException or PlaywrightException or TimeoutException)
        {
            throw TimedOut(request, progress, e);
        }
    }

    private static PluginException TimedOut(ScrapeRequest request, Progress progress, Exception e) =>
        new($"scraping {request.Url} timed out after {Durations.Format(request.Timeout)} waiting for {progress.WaitingFor}", retryable: true, e);

    /// <summary>How many times this instance has started Chromium.</summary>
    internal int BrowserLaunches => _browser.Launches;

    /// <summary>Closes the shared browser, if one was started.</summary>
    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    private async Task<(List<string> Values, string Url)> ScrapeStaticAsync(ScrapeRequest request, Progress progress, CancellationToken cancellationToken)
    {
        progress.WaitingFor = "the server to answer";
        using var message = new HttpRequestMessage(System.Net.Http.HttpMethod.Get, request.Url);
        message.Headers.TryAddWithoutValidation("User-Agent", "OpenClaw/1.0");
        message.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
        try
        {
            using var response = await _client()
                .SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var finalUrl = response.RequestMessage?.RequestUri?.ToString() ?? request.Url;
            var status = (int)response.StatusCode;
            if (status >= 400)
                throw new PluginException($"HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase} from GET {request.Url}",
                    retryable: status >= 500 || status is 408 or 429);

            progress.WaitingFor = "the page to download";
            var body = await HttpResponseReader.ReadBodyAsync(response.Content, request.MaxBytes, cancellationToken).ConfigureAwait(false);
            using var document = await ParseAsync(body, response.Content.Headers.ContentType, finalUrl, cancellationToken).ConfigureAwait(false);
            return (Extract(document.QuerySelectorAll(request.Selector), request.Attribute), finalUrl);
        }
        catch (HttpRequestException e)
        {
            throw new PluginException($"GET {request.Url} failed: {e.Message}", retryable: true, e);
        }
        catch (IOException e)
        {
            throw new PluginException($"GET {request.Url} failed while reading the page: {e.Message}", retryable: true, e);
        }
    }

    /// <summary>
    /// Parses with the charset from the Content-Type header, or from the page's own <c>&lt;meta charset&gt;</c>, and the final
    /// URL as the document address so relative links resolve.
    /// </summary>
    private static Task<IDocument> ParseAsync(ArraySegment<byte> body, MediaTypeHeaderValue? contentType, string url, CancellationToken cancellationToken)
    {
        var browsing = BrowsingContext.New(Configuration.Default);
        var stream = new MemoryStream(body.Array!, body.Offset, body.Count, writable: false);
        return browsing.OpenAsync(response =>
        {
            response.Address(url).Content(stream, shouldDispose: true);
            if (contentType is not null) response.Header(HeaderNames.ContentType, contentType.ToString());
        }, cancellationToken);
    }

    private static List<string> Extract(IEnumerable<IElement> elements, string? attribute)
    {
        var values = new List<string>();
        foreach (var element in elements)
        {
            if (attribute is null) values.Add(element.TextContent.Trim());
            else if (element.GetAttribute(attribute) is { } value) values.Add(value);
        }
        return values;
    }

    private async Task<(List<string> Values, string Url)> ScrapeInBrowserAsync(ScrapeRequest request, Progress progress, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + request.Timeout;
        float Remaining() => (float)Math.Max(1, (deadline - DateTime.UtcNow).TotalMilliseconds);

        progress.WaitingFor = "the browser to start";
        var lease = await _browser.OpenContextAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            // Playwright's calls take no token: every await is bounded by the token as well (WaitAsync), and cancelling
            // closes the context, which ends whatever is pending in the browser. The close runs on the pool because
            // Playwright may complete our awaits on its own dispatch thread.
            var closeOnCancel = cancellationToken.Register(() => _ = Task.Run(() => lease.DisposeAsync().AsTask()));
            await using var unregister = closeOnCancel.ConfigureAwait(false);
            try
            {
                progress.WaitingFor = "the page to load";
                var page = await lease.Context.NewPageAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                var response = await page.GotoAsync(request.Url, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = Remaining() })
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
                if (response is not null && response.Status >= 400)
                    throw new PluginException(
                        $"HTTP {response.Status.ToString(CultureInfo.InvariantCulture)} {response.StatusText} from GET {request.Url}",
                        retryable: response.Status >= 500 || response.Status is 408 or 429);

                if (request.WaitFor is { } waitFor)
                {
                    progress.WaitingFor = $"an element matching '{waitFor}'";
                    await page.WaitForSelectorAsync(waitFor, new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = Remaining() })
                        .WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                progress.WaitingFor = "the elements to be read";
                var values = await page.EvalOnSelectorAllAsync<string?[]>(request.Selector,
                    "(elements, attribute) => elements.map(e => attribute === null ? (e.textContent ?? '').trim() : e.getAttribute(attribute))",
                    request.Attribute).WaitAsync(cancellationToken).ConfigureAwait(false);
                return ([.. values.OfType<string>()], page.Url);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is PlaywrightException or TimeoutException)
            {
                throw new OperationCanceledException("the browser call was cancelled", e, cancellationToken);
            }
            catch (TimeoutException e)
            {
                throw TimedOut(request, progress, e);
            }
            catch (PlaywrightException e)
            {
                throw new PluginException($"browser could not load {request.Url}: {SharedBrowser.FirstLine(e.Message)}", retryable: true, e);
            }
        }
    }

    /// <summary>What the call is waiting for, so a timeout says where the time went.</summary>
    private sealed class Progress
    {
        public string WaitingFor { get; set; } = "the page";
    }

    private sealed record ScrapeRequest(string Url, string Selector, bool Browser, string? Attribute, string? WaitFor, TimeSpan Timeout, int MaxBytes)
    {
        public static ScrapeRequest Parse(JsonObject inputs)
        {
            var url = PluginInputs.RequireString(inputs, "url");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw PluginInputs.Invalid($"input 'url' must be an absolute http or https URL, got '{url}'");

            var selector = CheckSelector(PluginInputs.RequireString(inputs, "selector"), "selector");
            var mode = (PluginInputs.OptionalString(inputs, "mode") ?? "static").ToLowerInvariant();
            if (mode is not ("static" or "browser"))
                throw PluginInputs.Invalid($"input 'mode' must be static or browser; got '{mode}'");

            var attribute = PluginInputs.OptionalString(inputs, "attribute");
            if (attribute is { Length: 0 }) attribute = null;
            var waitFor = PluginInputs.OptionalString(inputs, "wait_for") is { Length: > 0 } w ? CheckSelector(w, "wait_for") : null;
            if (waitFor is not null && mode != "browser")
                throw PluginInputs.Invalid("input 'wait_for' only applies to mode 'browser': a static page never changes after it is fetched");

            var timeout = DefaultTimeout;
            if (inputs["timeout"] is { } timeoutNode && !Durations.TryParse(timeoutNode, out timeout))
                throw PluginInputs.Invalid($"input 'timeout' must be a positive duration such as 30, \"500ms\" or \"2m\"; got {timeoutNode.ToJsonString()}");

            var maxBytes = DefaultMaxBytes;
            if (inputs["max_response_bytes"] is { } maxNode
                && !(maxNode is JsonValue v && v.TryGetValue<int>(out maxBytes) && maxBytes > 0))
                throw PluginInputs.Invalid($"input 'max_response_bytes' must be a positive integer; got {maxNode.ToJsonString()}");

            return new ScrapeRequest(uri.ToString(), selector, mode == "browser", attribute, waitFor, timeout, maxBytes);
        }

        /// <summary>Rejects a selector up front, so a typo fails the same, clear way in both modes.</summary>
        private static string CheckSelector(string selector, string input)
        {
            try
            {
                using var document = new HtmlParser().ParseDocument(""); // parsers are cheap; sharing one across threads is not documented as safe
                document.QuerySelector(selector);
                return selector;
            }
            catch (DomException e)
            {
                throw PluginInputs.Invalid($"input '{input}' is not a valid CSS selector: '{selector}' ({e.Message})");
            }
        }
    }
}
