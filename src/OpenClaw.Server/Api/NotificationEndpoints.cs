using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Credentials;
using OpenClaw.Server.Notifications;
using OpenClaw.Server.Security;
using OpenClaw.Server.Triggers;

namespace OpenClaw.Server.Api;

/// <summary>A notification rule as the API shows it; <see cref="SigningSecret"/> appears only when just made.</summary>
public sealed record NotificationRuleResponse(
    Guid Id, string Name, string? WorkflowId, IReadOnlyList<string> Events, string Channel, JsonElement Target, long? SlowThresholdSeconds,
    bool Enabled, bool Signed, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? SigningSecret = null)
{
    public static NotificationRuleResponse From(NotificationRuleRecord r) =>
        new(r.Id, r.Name, r.WorkflowId, r.Events, r.Channel, JsonDocument.Parse(r.Target).RootElement.Clone(), r.SlowThresholdMs / 1000, r.Enabled,
            r.Secret is not null, r.CreatedAt, r.UpdatedAt);
}

/// <summary>One delivery and its log: status, attempts, last error.</summary>
public sealed record NotificationDeliveryResponse(
    Guid Id, Guid RuleId, string Event, Guid? ExecutionId, string Channel, string Status, int Attempts, string? LastError,
    DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, JsonElement Payload)
{
    public static NotificationDeliveryResponse From(NotificationDeliveryRecord d) =>
        new(d.Id, d.RuleId, d.Event, d.ExecutionId, d.Channel, d.Status, d.Attempts, d.LastError, d.NextAttemptAt, d.CreatedAt, d.DeliveredAt,
            JsonDocument.Parse(d.Payload).RootElement.Clone());
}

public sealed record InboxItemResponse(Guid Id, Guid RuleId, string Event, string Title, JsonElement Payload, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    public static InboxItemResponse From(InboxItemRecord i) =>
        new(i.Id, i.RuleId, i.Event, i.Title, JsonDocument.Parse(i.Payload).RootElement.Clone(), i.CreatedAt, i.ReadAt);
}

/// <summary>Notification rules (CRUD), the delivery log, and the in-app inbox.</summary>
internal static class NotificationEndpoints
{
    private static readonly string[] Keys = ["name", "workflow_id", "events", "channel", "target", "slow_threshold_seconds", "enabled", "signed"];
    private static readonly string[] DeliveryStatuses = ["pending", "sending", "delivered", "failed"];

    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/notifications/rules").WithTags("Notifications").RequirePermission(Permissions.NotificationsManage);
        rules.MapGet("/", ListAsync);
        rules.MapGet("/{id:guid}", GetAsync);
        rules.MapPost("/", CreateAsync);
        rules.MapPut("/{id:guid}", UpdateAsync);
        rules.MapDelete("/{id:guid}", DeleteAsync);
        api.MapGet("/notifications/deliveries", DeliveriesAsync).WithTags("Notifications").RequirePermission(Permissions.NotificationsManage);
        api.MapGet("/notifications/inbox", InboxAsync).WithTags("Notifications").RequirePermission(Permissions.ExecutionsRead);
        api.MapPost("/notifications/inbox/{id:guid}/read", MarkReadAsync).WithTags("Notifications").RequirePermission(Permissions.ExecutionsRead);
        return api;
    }

    private static async Task<Ok<List<NotificationRuleResponse>>> ListAsync(Caller caller, INotificationStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListRulesAsync(caller.TenantId, ct)).Select(NotificationRuleResponse.From).ToList());

    private static async Task<Results<Ok<NotificationRuleResponse>, ProblemHttpResult>> GetAsync(Guid id, Caller caller, INotificationStore store, CancellationToken ct) =>
        await store.GetRuleAsync(caller.TenantId, id, ct) is { } rule ? TypedResults.Ok(NotificationRuleResponse.From(rule)) : NotFound(id);

    private static async Task<Results<Created<NotificationRuleResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, Caller caller, INotificationStore store, NotificationRuleCache rules, ICredentialStore credentials, IWorkflowStore workflows,
        SecretCipher cipher, AuditContext audit, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, Keys, ct, "The notification rule is invalid");
        if (problem is not null) return problem;
        var settings = await ReadAsync(body!, null, caller, credentials, workflows, ct);
        if (body!.Errors is { } invalid) return Problems.Invalid("The notification rule is invalid", invalid);

        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        var secret = settings.Signed ? WebhookPaths.NewSigningSecret() : null;
        var rule = new NotificationRuleRecord(id, caller.TenantId, settings.WorkflowId, settings.Name, settings.Events, settings.Channel, settings.Target,
            secret is null ? null : cipher.SealText("notification-rule", caller.TenantId, id, secret), secret is null ? null : cipher.CurrentKeyId,
            settings.SlowThresholdMs, settings.Enabled, now, now);
        var created = NotificationRuleResponse.From(await store.CreateRuleAsync(rule, ct));
        await rules.InvalidateAsync(ct);
        audit.Describe("notification_rule", id.ToString(), "create", null, created);
        return TypedResults.Created($"{request.PathBase}{ApiRoutes.Prefix(request)}/notifications/rules/{id}", created with { SigningSecret = secret });
    }

    private static async Task<Results<Ok<NotificationRuleResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpRequest request, Caller caller, INotificationStore store, NotificationRuleCache rules, ICredentialStore credentials,
        IWorkflowStore workflows, SecretCipher cipher, AuditContext audit, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, Keys, ct, "The notification rule is invalid");
        if (problem is not null) return problem;
        var current = await store.GetRuleAsync(caller.TenantId, id, ct);
        if (current is null) return NotFound(id);
        var settings = await ReadAsync(body!, current, caller, credentials, workflows, ct);
        if (body!.Errors is { } invalid) return Problems.Invalid("The notification rule is invalid", invalid);

        var secret = settings.Signed && current.Secret is null ? WebhookPaths.NewSigningSecret() : null;
        var updated = current with
        {
            Name = settings.Name,
            WorkflowId = settings.WorkflowId,
            Events = settings.Events,
            Channel = settings.Channel,
            Target = settings.Target,
            SlowThresholdMs = settings.SlowThresholdMs,
            Enabled = settings.Enabled,
            Secret = !settings.Signed ? null : secret is null ? current.Secret : cipher.SealText("notification-rule", caller.TenantId, id, secret),
            SecretKeyId = !settings.Signed ? null : secret is null ? current.SecretKeyId : cipher.CurrentKeyId,
            UpdatedAt = time.GetUtcNow(),
        };
        var saved = await store.UpdateRuleAsync(updated, ct);
        if (saved is null) return NotFound(id);
        await rules.InvalidateAsync(ct);
        var response = NotificationRuleResponse.From(saved);
        audit.Describe("notification_rule", id.ToString(), "update", NotificationRuleResponse.From(current), response);
        return TypedResults.Ok(response with { SigningSecret = secret });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, Caller caller, INotificationStore store, NotificationRuleCache rules, AuditContext audit, CancellationToken ct)
    {
        var current = await store.GetRuleAsync(caller.TenantId, id, ct);
        if (current is null || !await store.DeleteRuleAsync(caller.TenantId, id, ct)) return NotFound(id);
        await rules.InvalidateAsync(ct);
        audit.Describe("notification_rule", id.ToString(), "delete", NotificationRuleResponse.From(current));
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<NotificationDeliveryResponse>>, ValidationProblem>> DeliveriesAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "rule_id")] Guid? ruleId, string? status,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "execution_id")] Guid? executionId, int? limit, Caller caller, INotificationStore store, CancellationToken ct)
    {
        if (status is not null && !DeliveryStatuses.Contains(status)) return Problems.Invalid("status", "Must be pending, sending, delivered or failed.");
        if (limit is < 1 or > 500) return Problems.Invalid("limit", "Must be between 1 and 500.");
        var found = await store.ListDeliveriesAsync(new DeliveryQuery(caller.TenantId, ruleId, status, executionId, limit ?? 50), ct);
        return TypedResults.Ok(found.Select(NotificationDeliveryResponse.From).ToList());
    }

    private static async Task<Results<Ok<List<InboxItemResponse>>, ValidationProblem>> InboxAsync(
        bool? unread, int? limit, Caller caller, INotificationStore store, CancellationToken ct)
    {
        if (limit is < 1 or > 500) return Problems.Invalid("limit", "Must be between 1 and 500.");
        return TypedResults.Ok((await store.ListInboxAsync(caller.TenantId, unread ?? false, limit ?? 50, ct)).Select(InboxItemResponse.From).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(
        Guid id, Caller caller, INotificationStore store, TimeProvider time, CancellationToken ct) =>
        await store.MarkReadAsync(caller.TenantId, id, time.GetUtcNow(), ct) ? TypedResults.NoContent() : Problems.NotFound($"Inbox item {id} does not exist.");

    private sealed record Settings(
        string Name, string? WorkflowId, IReadOnlyList<string> Events, string Channel, string Target, long? SlowThresholdMs, bool Enabled, bool Signed);

    private static async Task<Settings> ReadAsync(
        JsonRequestBody body, NotificationRuleRecord? current, Caller caller, ICredentialStore credentials, IWorkflowStore workflows, CancellationToken ct)
    {
        var name = body.String("name", required: current is null, 100) ?? current?.Name ?? "";
        string? workflowId = current?.WorkflowId;
        if (body.Has("workflow_id"))
        {
            workflowId = body.Root["workflow_id"] is null ? null : body.String("workflow_id", required: false, 200);
            if (workflowId is not null && await workflows.GetAsync(caller.TenantId, workflowId, ct) is null)
                body.Error("workflow_id", $"Workflow '{workflowId}' does not exist.");
        }
        var events = body.Strings("events", NotificationEvents.All, required: current is null) ?? current?.Events ?? [];
        var channel = body.String("channel", required: current is null, 20) ?? current?.Channel ?? "";
        if (channel.Length > 0 && !NotificationEvents.Channels.Contains(channel)) body.Error("channel", "Must be webhook, email or in_app.");
        var seconds = body.Integer("slow_threshold_seconds", 1, 7 * 24 * 3600) ?? current?.SlowThresholdMs / 1000;
        if (events.Contains(NotificationEvents.ExecutionSlow) && seconds is null)
            body.Error("slow_threshold_seconds", "Required with the execution.slow event: the run time, in seconds, that counts as slow.");
        var enabled = body.Bool("enabled") ?? current?.Enabled ?? true;
        var signed = body.Bool("signed") ?? (current?.Secret is not null);
        if (signed && channel != "webhook") body.Error("signed", "Only webhook deliveries are signed.");

        var target = current?.Target ?? "{}";
        if (body.Has("target") || current is null || channel != current.Channel)
            target = await ReadTargetAsync(body, channel, caller, credentials, ct) ?? target;
        return new Settings(name, workflowId, events, channel, target, seconds * 1000, enabled, signed);
    }

    /// <summary>webhook: <c>{ "url" }</c>; email: <c>{ "to", "credential", "from"? }</c>; in_app: nothing.</summary>
    private static async Task<string?> ReadTargetAsync(JsonRequestBody body, string channel, Caller caller, ICredentialStore credentials, CancellationToken ct)
    {
        var node = body.Root["target"];
        if (channel == "in_app")
        {
            if (node is JsonObject { Count: > 0 }) body.Error("target", "An in_app rule has no target.");
            return "{}";
        }
        if (node is not JsonObject target)
        {
            body.Error("target", channel == "webhook" ? "Required: { \"url\": \"https://...\" }." : "Required: { \"to\": \"a@b.c\", \"credential\": \"smtp-credential-name\" }.");
            return null;
        }
        string[] allowed = channel == "webhook" ? ["url"] : ["to", "credential", "from"];
        foreach (var (key, _) in target)
        {
            if (!allowed.Contains(key)) body.Error($"target.{key}", $"Unknown field; a {channel} target has {string.Join(", ", allowed)}.");
        }
        if (channel == "webhook")
        {
            var url = target["url"] is JsonValue u && u.GetValueKind() == JsonValueKind.String ? u.GetValue<string>() : null;
            if (url is null || url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                body.Error("target.url", "Must be an absolute http or https URL.");
            return new JsonObject { ["url"] = url }.ToJsonString();
        }

        var recipients = target["to"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
            JsonArray a when a.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String) => a.Select(x => x!.GetValue<string>()).ToList(),
            _ => (List<string>?)null,
        };
        if (recipients is null || recipients.Count is 0 or > 50 || !recipients.All(IsAddress))
            body.Error("target.to", "Must be an e-mail address or a list of up to 50.");
        var credential = target["credential"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : null;
        if (credential is null) body.Error("target.credential", "Required: the name of an smtp credential.");
        else if (await credentials.FindByNameAsync(caller.TenantId, credential, ct) is not { Type: "smtp" })
            body.Error("target.credential", $"There is no smtp credential named '{credential}'.");
        var result = new JsonObject { ["to"] = new JsonArray([.. (recipients ?? []).Select(r => (JsonNode?)JsonValue.Create(r))]), ["credential"] = credential };
        if (target["from"] is { } from)
        {
            if (from is JsonValue f && f.GetValueKind() == JsonValueKind.String && IsAddress(f.GetValue<string>())) result["from"] = f.GetValue<string>();
            else body.Error("target.from", "Must be an e-mail address.");
        }
        return result.ToJsonString();
    }

    private static bool IsAddress(string text) => text.Length <= 320 && MailAddress.TryCreate(text, out _) && !text.Any(char.IsControl);

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound($"Notification rule {id} does not exist.");
}
