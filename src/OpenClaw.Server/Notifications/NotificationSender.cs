using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Server.Triggers;

namespace OpenClaw.Server.Notifications;

/// <summary>
/// Sends one delivery on its rule's channel: <c>webhook</c> (POST of the JSON payload, signed with HMAC-SHA256 when the
/// rule has a secret), <c>email</c> (through the built-in email plugin's SMTP client, with the rule's smtp credential)
/// or <c>in_app</c> (an inbox item).
/// </summary>
internal sealed class NotificationSender(
    INotificationStore store, IHttpClientFactory http, IEnumerable<Plugin> plugins, ICredentialProvider credentials, Credentials.SecretCipher secrets,
    IOptions<NotificationOptions> options, TimeProvider time, ILoggerFactory loggers)
{
    public const string HttpClientName = "openclaw-notifications";
    private readonly Plugin? _email = plugins.FirstOrDefault(p => p.Metadata.Name == "email");

    /// <returns>Null when delivered, else the error (kept in the delivery log).</returns>
    public async Task<string?> SendAsync(NotificationDeliveryRecord delivery, CancellationToken ct)
    {
        var rule = await store.GetRuleAsync(delivery.TenantId, delivery.RuleId, ct).ConfigureAwait(false);
        if (rule is null) return "the rule was deleted";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.DeliveryTimeout);
        try
        {
            return rule.Channel switch
            {
                "webhook" => await PostAsync(rule, delivery, timeout.Token).ConfigureAwait(false),
                "email" => await MailAsync(rule, delivery, timeout.Token).ConfigureAwait(false),
                "in_app" => await AddToInboxAsync(delivery, ct).ConfigureAwait(false),
                var other => $"unknown channel '{other}'",
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return $"timed out after {options.Value.DeliveryTimeout.TotalSeconds:0} s";
        }
    }

    private async Task<string?> PostAsync(NotificationRuleRecord rule, NotificationDeliveryRecord delivery, CancellationToken ct)
    {
        var url = JsonNode.Parse(rule.Target)?["url"]?.GetValue<string>() ?? "";
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-OpenClaw-Event", delivery.Event);
        request.Headers.Add("X-OpenClaw-Delivery", delivery.Id.ToString());
        if (rule.Secret is not null)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secrets.OpenText("notification-rule", rule.TenantId, rule.Id, rule.Secret, rule.SecretKeyId!), body, timestamp));
        }
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} from {new Uri(url).GetLeftPart(UriPartial.Authority)}";
    }

    private async Task<string?> MailAsync(NotificationRuleRecord rule, NotificationDeliveryRecord delivery, CancellationToken ct)
    {
        if (_email is null) return "the email plugin is not available";
        var target = JsonNode.Parse(rule.Target)!.AsObject();
        using var payload = JsonDocument.Parse(delivery.Payload);
        var inputs = new JsonObject
        {
            ["credential"] = target["credential"]?.DeepClone(),
            ["to"] = target["to"]?.DeepClone(),
            ["subject"] = "[OpenClaw] " + NotificationPayloads.Title(payload.RootElement),
            ["text"] = JsonSerializer.Serialize(payload.RootElement, new JsonSerializerOptions { WriteIndented = true }),
            ["timeout"] = $"{options.Value.DeliveryTimeout.TotalSeconds:0}s",
        };
        if (target["from"] is { } from) inputs["from"] = from.DeepClone();
        var context = new NotificationPluginContext(rule.TenantId, delivery, credentials, loggers.CreateLogger("OpenClaw.Notifications.Email"), ct);
        try
        {
            await _email.ExecuteAsync(inputs, context).ConfigureAwait(false);
            return null;
        }
        catch (PluginException ex)
        {
            return ex.Message;
        }
    }

    private async Task<string?> AddToInboxAsync(NotificationDeliveryRecord delivery, CancellationToken ct)
    {
        using var payload = JsonDocument.Parse(delivery.Payload);
        await store.AddInboxItemAsync(new InboxItemRecord(Guid.CreateVersion7(), delivery.TenantId, delivery.RuleId, delivery.Id, delivery.Event,
            NotificationPayloads.Title(payload.RootElement), delivery.Payload, time.GetUtcNow(), null), ct).ConfigureAwait(false);
        return null;
    }
}
