using System.Net.Security;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Email;

/// <summary>Sends an e-mail over SMTP, optionally rendered from a Handlebars template.</summary>
/// <remarks>
/// <para>The server comes from a credential of type <c>smtp</c> (<c>host</c>, <c>port</c>, <c>username</c>,
/// <c>password</c>, <c>starttls</c> or <c>security</c>, and an optional default <c>from</c>), or inline <c>host</c> and
/// <c>port</c> for a relay without a login. Passwords are never sent unencrypted except to a loopback relay or with
/// <c>security: none</c>.</para>
/// <para><c>template</c> is a Handlebars template for the HTML body, or an object with <c>subject</c>, <c>text</c> and
/// <c>html</c> templates, rendered with <c>template_data</c>. Only templates are rendered: literal <c>subject</c>,
/// <c>text</c> and <c>html</c> inputs are sent as given.</para>
/// <para>Steps run at least once, and SMTP has no idempotency: a worker that dies after the server accepted the message
/// makes the step send it again. The Message-ID is derived from the step's idempotency key, so both copies carry the same
/// one and receiving systems that deduplicate by Message-ID show one.</para>
/// </remarks>
[Plugin("email", Version = "1.0.0", Author = "OpenClaw", Category = "communication",
    Tags = ["email", "smtp", "mail", "template", "communication"],
    Permissions = [PluginPermissions.Email, PluginPermissions.Network, PluginPermissions.Credentials],
    Description = "Sends an e-mail through an SMTP server, with text and/or HTML bodies rendered from Handlebars templates.")]
public sealed class EmailPlugin : Plugin
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly PluginSchema Inputs = PluginSchema.Of(
    [
        new PluginField("to", "any", Description: "Recipient address, a comma-separated list, or an array of addresses (\"Name <a@b.c>\" allowed)."),
        new PluginField("cc", "any", Description: "Carbon-copy recipients, in the same forms as to."),
        new PluginField("bcc", "any", Description: "Blind-copy recipients: they receive the message but appear in no header."),
        new PluginField("from", "string", Description: "Sender address; defaults to the credential's from value."),
        new PluginField("reply_to", "string", Description: "Address replies should go to."),
        new PluginField("subject", "string", Description: "Subject line, sent as given."),
        new PluginField("text", "string", Description: "Plain-text body."),
        new PluginField("html", "string", Description: "HTML body; with text as well, both are sent as alternatives."),
        new PluginField("template", "any",
            Description: "Handlebars template: a string for the HTML body, or { subject, text, html } templates. Rendered with template_data."),
        new PluginField("template_data", "object", Description: "Values the template refers to, e.g. { \"name\": \"Ada\" } for {{name}}."),
        new PluginField("headers", "object", Description: "Extra headers, e.g. { \"X-Campaign\": \"spring\" }."),
        .. SmtpSettings.Fields,
        new PluginField("timeout", "any", Description: "Time allowed for the whole delivery, as seconds (10) or with a unit (500ms, 10s, 2m).",
            Default: "60s"),
    ]);

    private static readonly PluginSchema Outputs = PluginSchema.Of(
        new PluginField("message_id", "string", Description: "The Message-ID header of the message sent; the same on every attempt of the step."),
        new PluginField("accepted", "array", Description: "Every envelope recipient the server accepted (to, cc and bcc)."),
        new PluginField("response", "string", Description: "The server's final reply, often with its queue id."));

    private readonly SmtpSender _sender;
    private readonly EmailTemplates _templates = new();

    /// <summary>Validates server certificates with the system's trust store.</summary>
    public EmailPlugin() : this(null)
    {
    }

    /// <summary>For tests against a server with a self-signed certificate.</summary>
    internal EmailPlugin(RemoteCertificateValidationCallback? certificateValidation) => _sender = new SmtpSender(certificateValidation);

    /// <inheritdoc />
    public override PluginSchema InputSchema => Inputs;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => Outputs;

    /// <inheritdoc />
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var settings = await SmtpSettings.ResolveAsync(inputs, context).ConfigureAwait(false);
        var message = BuildMessage(inputs, settings, context.IdempotencyKey);
        var timeout = ReadTimeout(inputs, DefaultTimeout);
        var delivery = await EmailDelivery.SendAsync(_sender, settings, message, timeout, context).ConfigureAwait(false);
        return new JsonObject
        {
            ["message_id"] = message.MessageId,
            ["accepted"] = new JsonArray([.. delivery.Accepted.Select(a => (JsonNode?)JsonValue.Create(a))]),
            ["response"] = delivery.Response,
        };
    }

    internal static TimeSpan ReadTimeout(JsonObject inputs, TimeSpan defaultTimeout)
    {
        if (inputs["timeout"] is not { } node) return defaultTimeout;
        return Durations.TryParse(node, out var timeout)
            ? timeout
            : throw PluginInputs.Invalid($"input 'timeout' must be a positive duration such as 30, \"500ms\" or \"2m\"; got {node.ToJsonString()}");
    }

    private MimeMessage BuildMessage(JsonObject inputs, SmtpSettings settings, string idempotencyKey)
    {
        var from = EmailRequest.Address(inputs, "from", settings.DefaultFrom)
            ?? throw PluginInputs.Invalid("input 'from' is required (or a 'from' value in the smtp credential)");
        var to = EmailRequest.Addresses(inputs, "to");
        var cc = EmailRequest.Addresses(inputs, "cc");
        var bcc = EmailRequest.Addresses(inputs, "bcc");
        if (to.Count + cc.Count + bcc.Count == 0) throw PluginInputs.Invalid("give at least one recipient in input 'to', 'cc' or 'bcc'");

        var subject = PluginInputs.OptionalString(inputs, "subject");
        var text = PluginInputs.OptionalString(inputs, "text");
        var html = PluginInputs.OptionalString(inputs, "html");
        if (subject is not null) EmailRequest.SingleLine(subject, "input 'subject'");

        if (inputs["template"] is { } templateNode)
        {
            var data = EmailTemplates.ToModel(PluginInputs.OptionalObject(inputs, "template_data") ?? []);
            var (subjectTemplate, textTemplate, htmlTemplate) = templateNode switch
            {
                JsonObject parts => (PluginInputs.OptionalString(parts, "subject"), PluginInputs.OptionalString(parts, "text"),
                    PluginInputs.OptionalString(parts, "html")),
                _ when PluginInputs.AsString(templateNode) is { } htmlOnly => (null, null, htmlOnly),
                _ => throw PluginInputs.Invalid($"input 'template' must be a string or an object of subject, text and html; got {PluginInputs.Describe(templateNode)}"),
            };
            subject = Merge("subject", subject, subjectTemplate, data, html: false);
            text = Merge("text", text, textTemplate, data, html: false);
            html = Merge("html", html, htmlTemplate, data, html: true);
            // Rendered data may contain line breaks; in a header they would start new headers.
            if (subjectTemplate is not null) subject = string.Join(' ', subject!.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        }

        if (subject is null) throw PluginInputs.Invalid("input 'subject' is required (or a subject in input 'template')");
        if (text is null && html is null) throw PluginInputs.Invalid("give a body: input 'text', 'html' or 'template'");

        var replyTo = EmailRequest.Address(inputs, "reply_to");
        return new MimeMessage(from, to, cc, bcc, replyTo, subject, text, html, EmailRequest.Headers(inputs),
            EmailRequest.MessageId(idempotencyKey, from), DateTimeOffset.UtcNow);
    }

    private string? Merge(string part, string? literal, string? template, object? data, bool html)
    {
        if (template is null) return literal;
        if (literal is not null) throw PluginInputs.Invalid($"give the {part} either as input '{part}' or in input 'template', not both");
        return _templates.Render(part, template, html, data);
    }
}

/// <summary>Sending a built message within a timeout, shared by <c>email</c> and <c>notification</c>.</summary>
internal static class EmailDelivery
{
    public static async Task<SmtpDelivery> SendAsync(SmtpSender sender, SmtpSettings settings, MimeMessage message, TimeSpan timeout,
        PluginContext context)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var delivery = await sender.SendAsync(settings, message.From.Address, message.Recipients, message.ToBytes(), deadline.Token)
                .ConfigureAwait(false);
            context.Logger.LogInformation("E-mail {MessageId} accepted by {Server} for {Count} recipient(s)", message.MessageId,
                settings.Endpoint, delivery.Accepted.Count);
            return delivery;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            throw new PluginException($"sending e-mail through {settings.Endpoint} timed out after {Durations.Format(timeout)}", retryable: true, e);
        }
    }
}
