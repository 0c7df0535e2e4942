using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Email;
using OpenClaw.Plugins.Http;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Notification;

/// <summary>Delivers a short message to a webhook (JSON POST, optionally signed) or by e-mail.</summary>
/// <remarks>
/// <para><b>webhook</b>: POSTs <c>{ title, message, data, execution_id, step_id, sent_at }</c> as JSON. With
/// <c>credential</c> (a credential holding a <c>secret</c>), the body is signed: <c>X-OpenClaw-Signature:
/// sha256=&lt;hex HMAC-SHA256 of the exact body bytes with the secret&gt;</c>, so the receiver can check that the call came
/// from OpenClaw and was not altered. The step's idempotency key is sent as <c>Idempotency-Key</c>. 4xx answers are not
/// retried (except 408 and 429); 5xx answers, timeouts and network errors are.</para>
/// <para><b>email</b>: sends <c>message</c> as a plain-text mail with <c>title</c> as the subject, through the same SMTP
/// client and settings as the <c>email</c> plugin (<c>credential</c> is then an smtp credential).</para>
/// </remarks>
[Plugin("notification", Version = "1.0.0", Author = "OpenClaw", Category = "communication",
    Tags = ["notification", "webhook", "email", "alert", "communication"],
    Permissions = [PluginPermissions.Network, PluginPermissions.Email, PluginPermissions.Credentials],
    Description = "Sends a notification to a webhook (JSON, optionally HMAC-signed) or by e-mail.")]
public sealed class NotificationPlugin : Plugin
{
    /// <summary>The <see cref="IHttpClientFactory"/> client name used for webhooks.</summary>
    public const string HttpClientName = "OpenClaw.Notification";

    /// <summary>The header carrying the webhook body's signature.</summary>
    public const string SignatureHeader = "X-OpenClaw-Signature";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] Channels = ["webhook", "email"];

    private static readonly PluginSchema Inputs = PluginSchema.Of(
    [
        new PluginField("channel", "string", Required: true, Description: "Where to deliver: webhook or email.", Enum: Channels),
        new PluginField("message", "string", Required: true, Description: "The notification text."),
        new PluginField("title", "string", Description: "A short title; the e-mail subject (default: the start of the message)."),
        new PluginField("data", "any", Description: "Webhook: extra structured data sent as data in the JSON body."),
        new PluginField("url", "string", Description: "Webhook: the http or https URL to POST to."),
        new PluginField("headers", "object", Description: "Webhook: extra request headers."),
        new PluginField("credential", "string",
            Description: "Webhook: a credential whose secret signs the body (X-OpenClaw-Signature). Email: the smtp credential."),
        new PluginField("to", "any", Description: "Email: recipient address, comma-separated list or array."),
        new PluginField("from", "string", Description: "Email: sender address; defaults to the smtp credential's from value."),
        .. SmtpSettings.Fields.Where(f => f.Name != "credential"),
        new PluginField("timeout", "any", Description: "Time allowed for the delivery, as seconds (10) or with a unit (500ms, 10s, 2m).",
            Default: "30s"),
    ]);

    private static readonly PluginSchema Outputs = PluginSchema.Of(
        new PluginField("delivered", "boolean", Description: "True once the webhook answered 2xx or the SMTP server accepted the mail."),
        new PluginField("channel", "string", Description: "The channel used.", Enum: Channels),
        new PluginField("status", "integer", Description: "Webhook: the HTTP status of the answer."),
        new PluginField("signed", "boolean", Description: "Webhook: whether the body was signed."),
        new PluginField("message_id", "string", Description: "Email: the Message-ID of the mail."));

    private readonly Func<HttpClient> _client;
    private readonly SmtpSender _sender;

    /// <summary>Uses a process-wide pooled HTTP client and the system's certificate validation for SMTP.</summary>
    public NotificationPlugin() : this(SharedHttpClient.Instance)
    {
    }

    /// <summary>Uses <paramref name="httpClient"/> for webhooks; its timeout should be infinite (the step's timeout applies).</summary>
    public NotificationPlugin(HttpClient httpClient) : this(httpClient, null)
    {
    }

    /// <summary>Creates a client named <see cref="HttpClientName"/> per webhook call, which is how the factory pools handlers.</summary>
    public NotificationPlugin(IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        _client = () =>
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            client.Timeout = Timeout.InfiniteTimeSpan;
            return client;
        };
        _sender = new SmtpSender();
    }

    /// <summary>For tests against an SMTP server with a self-signed certificate.</summary>
    internal NotificationPlugin(HttpClient httpClient, RemoteCertificateValidationCallback? certificateValidation)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _client = () => httpClient;
        _sender = new SmtpSender(certificateValidation);
    }

    /// <inheritdoc />
    public override PluginSchema InputSchema => Inputs;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => Outputs;

    /// <inheritdoc />
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var channel = PluginInputs.RequireString(inputs, "channel").ToLowerInvariant();
        var message = PluginInputs.RequireString(inputs, "message");
        var title = PluginInputs.OptionalString(inputs, "title");
        var timeout = EmailPlugin.ReadTimeout(inputs, DefaultTimeout);
        return channel switch
        {
            "webhook" => await SendWebhookAsync(inputs, title, message, timeout, context).ConfigureAwait(false),
            "email" => await SendEmailAsync(inputs, title, message, timeout, context).ConfigureAwait(false),
            _ => throw PluginInputs.Invalid($"input 'channel' must be webhook or email; got '{channel}'"),
        };
    }

    private async Task<JsonObject> SendWebhookAsync(JsonObject inputs, string? title, string message, TimeSpan timeout, PluginContext context)
    {
        var url = PluginInputs.OptionalString(inputs, "url") ?? throw PluginInputs.Invalid("input 'url' is required for channel webhook");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw PluginInputs.Invalid($"input 'url' must be an absolute http or https URL, got '{url}'");
        var secret = await SigningSecretAsync(inputs, context).ConfigureAwait(false);

        var payload = new JsonObject
        {
            ["title"] = title,
            ["message"] = message,
            ["data"] = inputs["data"]?.DeepClone(),
            ["execution_id"] = context.ExecutionId.ToString(),
            ["step_id"] = context.StepId,
            ["sent_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        foreach (var (name, value) in PluginInputs.OptionalObject(inputs, "headers") ?? [])
        {
            var text = PluginInputs.ScalarText(value) ?? throw PluginInputs.Invalid($"input 'headers': the value of '{name}' must be text");
            if (text.AsSpan().IndexOfAny('\r', '\n') >= 0) throw PluginInputs.Invalid($"input 'headers': the value of '{name}' contains a line break");
            if (name.Equals(SignatureHeader, StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                throw PluginInputs.Invalid($"input 'headers': '{name}' is set by the plugin");
            if (!request.Headers.TryAddWithoutValidation(name, text))
                throw PluginInputs.Invalid($"input 'headers': '{name}' cannot be set on a request");
        }
        request.Headers.TryAddWithoutValidation("User-Agent", "OpenClaw/1.0");
        if (!string.IsNullOrEmpty(context.IdempotencyKey) && !request.Headers.Contains("Idempotency-Key"))
            request.Headers.TryAddWithoutValidation("Idempotency-Key", context.IdempotencyKey);
        if (secret is not null) request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(body, secret));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await _client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or >= 300)
            {
                var prefix = await HttpResponseReader.ReadPrefixAsync(response.Content, 512, deadline.Token).ConfigureAwait(false);
                var excerpt = HttpResponseReader.Excerpt(HttpResponseReader.Decode(prefix, response.Content.Headers.ContentType));
                throw new PluginException(
                    $"webhook {uri} answered HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}"
                        + (excerpt.Length > 0 ? $": {excerpt}" : ""),
                    retryable: status >= 500 || status is 408 or 429);
            }
            context.Logger.LogInformation("Notification delivered to webhook {Url} ({Status})", uri, status);
            return new JsonObject { ["delivered"] = true, ["channel"] = "webhook", ["status"] = status, ["signed"] = secret is not null };
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            throw new PluginException($"webhook {uri} timed out after {Durations.Format(timeout)}", retryable: true, e);
        }
        catch (HttpRequestException e)
        {
            throw new PluginException($"webhook {uri} failed: {e.Message}", retryable: true, e);
        }
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <paramref name="body"/>; receivers compute the same and compare.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static async ValueTask<string?> SigningSecretAsync(JsonObject inputs, PluginContext context)
    {
        if (PluginInputs.OptionalString(inputs, "credential") is not { } name) return null;
        var credential = await context.GetCredentialAsync(name, context.CancellationToken).ConfigureAwait(false)
            ?? throw PluginInputs.Invalid($"credential '{name}' does not exist or is not granted to this step");
        return credential.Values.GetValueOrDefault("secret") is { Length: > 0 } secret
            ? secret
            : throw PluginInputs.Invalid($"credential '{name}' has no 'secret' to sign the webhook with");
    }

    private async Task<JsonObject> SendEmailAsync(JsonObject inputs, string? title, string message, TimeSpan timeout, PluginContext context)
    {
        var settings = await SmtpSettings.ResolveAsync(inputs, context).ConfigureAwait(false);
        var from = EmailRequest.Address(inputs, "from", settings.DefaultFrom)
            ?? throw PluginInputs.Invalid("input 'from' is required for channel email (or a 'from' value in the smtp credential)");
        var to = EmailRequest.Addresses(inputs, "to");
        if (to.Count == 0) throw PluginInputs.Invalid("input 'to' is required for channel email");
        var subject = title is not null ? EmailRequest.SingleLine(title, "input 'title'") : DefaultSubject(message);

        var mail = new MimeMessage(from, to, [], [], null, subject, message, null, [], EmailRequest.MessageId(context.IdempotencyKey, from),
            DateTimeOffset.UtcNow);
        await EmailDelivery.SendAsync(_sender, settings, mail, timeout, context).ConfigureAwait(false);
        return new JsonObject { ["delivered"] = true, ["channel"] = "email", ["message_id"] = mail.MessageId };
    }

    /// <summary>The message's first line, shortened, for a notification without a title.</summary>
    private static string DefaultSubject(string message)
    {
        const int MaxLength = 78;
        var firstLine = message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        if (firstLine.Length == 0) return "OpenClaw notification";
        return firstLine.Length <= MaxLength ? firstLine : firstLine[..(MaxLength - 1)] + "…";
    }
}
