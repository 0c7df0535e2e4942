using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Http;

/// <summary>Sends one HTTP request and returns the status, headers and body.</summary>
/// <remarks>
/// <para>Failures are classified for the engine's retry policy: invalid inputs and 4xx answers are not retryable;
/// 5xx, 408, 429, timeouts and network errors are. With <c>fail_on_status: false</c> every answer is returned as
/// output instead.</para>
/// <para>Requests with methods that change state (POST, PUT, PATCH, DELETE) carry
/// <c>Idempotency-Key: &lt;context.IdempotencyKey&gt;</c> unless the step sets that header itself: the key is the same on
/// every attempt of a step, so APIs that honour it apply the side effect once even when the step is retried.</para>
/// <para>Cancellation of <see cref="PluginContext.CancellationToken"/> surfaces as
/// <see cref="OperationCanceledException"/>; only the step's own <c>timeout</c> becomes a <see cref="PluginException"/>.</para>
/// </remarks>
[Plugin("http-request", Version = "1.0.0", Author = "OpenClaw", Category = "network",
    Tags = ["http", "api", "rest", "webhook", "network"],
    Permissions = [PluginPermissions.Network, PluginPermissions.Credentials],
    Description = "Sends an HTTP request and returns the response status, headers and body.")]
public sealed class HttpRequestPlugin : Plugin
{
    /// <summary>The <see cref="IHttpClientFactory"/> client name, so hosts can configure proxies or handlers for this plugin.</summary>
    public const string HttpClientName = "OpenClaw.HttpRequest";

    private const int ExcerptBytes = 2048;

    private static readonly string[] MethodNames = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    private static readonly PluginSchema Inputs = PluginSchema.Of(
        new PluginField("url", "string", Required: true, Description: "Absolute http or https URL."),
        new PluginField("method", "string", Description: "HTTP method.", Default: "GET", Enum: MethodNames),
        new PluginField("headers", "object", Description: "Request headers; a value may be an array to repeat the header."),
        new PluginField("query", "object", Description: "Query parameters appended to the URL, percent-encoded; arrays repeat the parameter."),
        new PluginField("body", "any", Description: "Request body; its form depends on body_type."),
        new PluginField("body_type", "string",
            Description: "How the body is encoded: json (default for objects and arrays), form (urlencoded), multipart (object of fields; "
                + "{ filename, content, content_type, encoding: base64 } is a file), text (default for strings) or none.",
            Enum: ["json", "form", "multipart", "text", "none"]),
        new PluginField("auth", "object",
            Description: "{ \"credential\": \"name\" } for a stored basic, bearer or api-key credential, or inline values such as "
                + "{ \"type\": \"bearer\", \"token\": \"...\" }."),
        new PluginField("timeout", "any", Description: "Time allowed for the whole request, as seconds (10) or with a unit (500ms, 10s, 2m).",
            Default: "30s"),
        new PluginField("fail_on_status", "boolean",
            Description: "Fail the step on 4xx (not retried) and 5xx or 429 (retried) answers; false returns them as output.", Default: true),
        new PluginField("response_type", "string",
            Description: "How to read the body: auto parses JSON when the content type is JSON, json always parses, text never does.",
            Default: "auto", Enum: ["auto", "json", "text"]),
        new PluginField("max_response_bytes", "integer", Description: "Largest response body accepted, in bytes.",
            Default: HttpRequestSpec.DefaultMaxResponseBytes));

    private static readonly PluginSchema Outputs = PluginSchema.Of(
        new PluginField("status", "integer", Description: "HTTP status code."),
        new PluginField("headers", "object", Description: "Response headers with lower-case names; repeated headers joined with \", \"."),
        new PluginField("body", "any", Description: "Parsed JSON, or text, depending on response_type."),
        new PluginField("duration_ms", "integer", Description: "Time from sending the request to reading the whole body."),
        new PluginField("url", "string", Description: "The URL requested, including the query parameters."));

    private readonly Func<HttpClient> _client;

    /// <summary>Uses a process-wide pooled client; suitable when the host has no <see cref="IHttpClientFactory"/>.</summary>
    public HttpRequestPlugin() : this(SharedHttpClient.Instance)
    {
    }

    /// <summary>Uses <paramref name="httpClient"/> for every request.</summary>
    /// <param name="httpClient">A long-lived client. Its <see cref="HttpClient.Timeout"/> should be infinite: the step's
    /// <c>timeout</c> input is applied per request.</param>
    public HttpRequestPlugin(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _client = () => httpClient;
    }

    /// <summary>Creates a client named <see cref="HttpClientName"/> per request, which is how the factory pools handlers.</summary>
    public HttpRequestPlugin(IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        _client = () =>
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            client.Timeout = Timeout.InfiniteTimeSpan;
            return client;
        };
    }

    /// <inheritdoc />
    public override PluginSchema InputSchema => Inputs;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => Outputs;

    /// <inheritdoc />
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var spec = HttpRequestSpec.Parse(inputs);
        var auth = await HttpAuthentication.ResolveAsync(inputs["auth"], context, context.CancellationToken).ConfigureAwait(false);
        using var request = CreateRequest(spec, auth, context.IdempotencyKey);
        var what = $"{spec.Method} {spec.Url}";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(spec.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _client()
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;

            if (spec.FailOnStatus && status >= 400)
            {
                var prefix = await HttpResponseReader.ReadPrefixAsync(response.Content, ExcerptBytes, timeout.Token).ConfigureAwait(false);
                var excerpt = HttpResponseReader.Excerpt(HttpResponseReader.Decode(prefix, response.Content.Headers.ContentType));
                var retryable = status >= 500 || status is 408 or 429;
                throw new PluginException(
                    $"HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase} from {what}"
                        + (excerpt.Length > 0 ? $": {excerpt}" : ""),
                    retryable);
            }

            // A HEAD answer's Content-Length describes the body a GET would get; there is nothing to read or limit.
            var bytes = spec.Method == HttpMethod.Head
                ? ArraySegment<byte>.Empty
                : await HttpResponseReader.ReadBodyAsync(response.Content, spec.MaxResponseBytes, timeout.Token).ConfigureAwait(false);
            var body = HttpResponseReader.ToNode(bytes, response.Content.Headers.ContentType, spec.ResponseType);
            var elapsed = Stopwatch.GetElapsedTime(started);
            context.Logger.LogDebug("HTTP {Method} {Url} answered {Status} in {ElapsedMs} ms", spec.Method, spec.Url, status,
                (long)elapsed.TotalMilliseconds);

            return new JsonObject
            {
                ["status"] = status,
                ["headers"] = HttpResponseReader.Headers(response),
                ["body"] = body,
                ["duration_ms"] = (long)elapsed.TotalMilliseconds,
                ["url"] = spec.Url,
            };
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw; // the step was cancelled; the engine decides what that means
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested || e.InnerException is TimeoutException)
        {
            throw new PluginException($"HTTP {what} timed out after {Durations.Format(spec.Timeout)}", retryable: true, e);
        }
        catch (HttpRequestException e)
        {
            throw new PluginException($"HTTP {what} failed: {e.Message}", retryable: true, e);
        }
        catch (IOException e)
        {
            throw new PluginException($"HTTP {what} failed while reading the response: {e.Message}", retryable: true, e);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpRequestSpec spec, HttpAuth? auth, string idempotencyKey)
    {
        var url = auth is { InQuery: true }
            ? HttpRequestSpec.AppendQuery(spec.Url, [new(auth.Name, auth.Value)])
            : spec.Url;
        var request = new HttpRequestMessage(spec.Method, new Uri(url));
        try
        {
            request.Content = HttpBodies.Create(spec.BodyType, spec.Body);
            foreach (var (name, values) in spec.Headers)
            {
                // A multipart Content-Type must carry the generated boundary; one copied from elsewhere would break the body.
                if (spec.BodyType == "multipart" && name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) continue;
                SetHeader(request, name, values);
            }

            if (auth is { InQuery: false })
            {
                if (auth.Value.AsSpan().IndexOfAny('\r', '\n') >= 0)
                    throw PluginInputs.Invalid($"input 'auth': the {auth.Name} value contains a line break");
                SetHeader(request, auth.Name, [auth.Value]);
            }

            if (spec.IsUnsafeMethod && !string.IsNullOrEmpty(idempotencyKey) && !spec.HasHeader("Idempotency-Key"))
                request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            if (!spec.HasHeader("User-Agent"))
                request.Headers.TryAddWithoutValidation("User-Agent", "OpenClaw/1.0");
            // W3C trace context: the called service continues the step's trace. Set here rather than left to HttpClient's
            // diagnostics handler, which only propagates when HTTP client tracing is switched on.
            if (Activity.Current is { } activity && !spec.HasHeader("traceparent"))
            {
                DistributedContextPropagator.Current.Inject(activity, request, static (carrier, name, value) =>
                {
                    var message = (HttpRequestMessage)carrier!;
                    message.Headers.Remove(name);
                    message.Headers.TryAddWithoutValidation(name, value);
                });
            }
            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    /// <summary>Sets a header, replacing any value already there; content headers go on the content.</summary>
    private static void SetHeader(HttpRequestMessage request, string name, string[] values)
    {
        // NonValidated.Contains is false (and does not throw, unlike Remove) for names that belong to the content.
        if (request.Headers.NonValidated.Contains(name)) request.Headers.Remove(name);
        if (request.Headers.TryAddWithoutValidation(name, values)) return;

        // Content-Type and friends belong to the content; a bodiless request that sets one gets an empty body to carry it.
        var content = request.Content ?? new ByteArrayContent([]);
        if (content.Headers.NonValidated.Contains(name)) content.Headers.Remove(name);
        if (!content.Headers.TryAddWithoutValidation(name, values))
        {
            if (request.Content is null) content.Dispose();
            throw PluginInputs.Invalid($"header '{name}' cannot be set on a request");
        }
        request.Content = content;
    }
}
