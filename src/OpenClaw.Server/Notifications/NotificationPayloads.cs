using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Notifications;

/// <summary>
/// The JSON document a notification carries (webhook body, e-mail text, inbox item). Built from committed rows, whose
/// step outputs and errors were masked when the step ran, so it carries no credential values.
/// </summary>
internal static class NotificationPayloads
{
    public static JsonObject ForExecution(string @event, NotificationRuleRecord rule, ExecutionRecord e, DateTimeOffset now) => new()
    {
        ["event"] = @event,
        ["rule_id"] = rule.Id.ToString(),
        ["rule"] = rule.Name,
        ["tenant_id"] = e.TenantId,
        ["workflow_id"] = e.WorkflowId,
        ["workflow_version"] = e.WorkflowVersion,
        ["execution_id"] = e.Id.ToString(),
        ["status"] = e.Status.ToWire(),
        ["trigger"] = e.Trigger,
        ["error"] = e.Error,
        ["created_at"] = Time(e.CreatedAt),
        ["started_at"] = e.StartedAt is { } s ? Time(s) : null,
        ["completed_at"] = e.CompletedAt is { } c ? Time(c) : null,
        ["duration_ms"] = (long)((e.CompletedAt ?? now) - (e.StartedAt ?? e.CreatedAt)).TotalMilliseconds,
        ["slow_threshold_ms"] = @event == NotificationEvents.ExecutionSlow ? rule.SlowThresholdMs : null,
    };

    public static JsonObject ForTask(NotificationRuleRecord rule, DeadLetteredTask t) => new()
    {
        ["event"] = NotificationEvents.TaskDeadLettered,
        ["rule_id"] = rule.Id.ToString(),
        ["rule"] = rule.Name,
        ["tenant_id"] = t.TenantId,
        ["workflow_id"] = t.WorkflowId,
        ["execution_id"] = t.ExecutionId.ToString(),
        ["task_id"] = t.TaskId.ToString(),
        ["step"] = t.StepKey,
        ["attempts"] = t.Attempts,
        ["error"] = t.Error,
        ["failed_at"] = Time(t.FailedAt),
    };

    /// <summary>A one-line summary: the e-mail subject and the inbox title.</summary>
    public static string Title(JsonElement payload)
    {
        string Get(string name) => payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        return Get("event") switch
        {
            NotificationEvents.ExecutionFailed => $"Workflow {Get("workflow_id")} failed",
            NotificationEvents.ExecutionSucceeded => $"Workflow {Get("workflow_id")} succeeded",
            NotificationEvents.ExecutionSlow => $"Workflow {Get("workflow_id")} is slow",
            NotificationEvents.TaskDeadLettered => $"Step {Get("step")} of workflow {Get("workflow_id")} failed for good",
            var other => other,
        };
    }

    private static string Time(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);
}
