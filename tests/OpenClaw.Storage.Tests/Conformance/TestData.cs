using System.Text.Json;
using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>Record builders with sensible defaults; times are whole milliseconds so they survive storage unchanged.</summary>
public static class TestData
{
    public static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static ExecutionRecord Execution(
        Guid? id = null,
        string tenantId = "default",
        string workflowId = "wf",
        ExecutionStatus status = ExecutionStatus.Running,
        long revision = 1,
        DateTimeOffset? createdAt = null,
        string trigger = "api",
        TaskPriority priority = TaskPriority.Normal) => new(
            Id: id ?? Guid.NewGuid(),
            TenantId: tenantId,
            WorkflowId: workflowId,
            WorkflowVersion: 1,
            Status: status,
            Inputs: Json("""{"n":1}"""),
            Outputs: null,
            Error: null,
            Vars: Json("{}"),
            Priority: priority,
            ParentExecutionId: null,
            ParentStepKey: null,
            Trigger: trigger,
            CreatedBy: null,
            Revision: revision,
            CreatedAt: createdAt ?? T0,
            StartedAt: createdAt ?? T0,
            CompletedAt: null);

    public static StepRunRecord Step(
        ExecutionRecord execution,
        string stepKey,
        StepRunStatus status = StepRunStatus.Queued,
        TaskPriority priority = TaskPriority.Normal,
        DateTimeOffset? runAt = null,
        DateTimeOffset? createdAt = null) => new(
            Id: Guid.NewGuid(),
            ExecutionId: execution.Id,
            TenantId: execution.TenantId,
            StepKey: stepKey,
            StepId: stepKey,
            ScopeKey: "",
            StepType: "plugin",
            PluginName: "http.request",
            Status: status,
            Inputs: Json("""{"url":"https://example.com"}"""),
            Outputs: null,
            Error: null,
            Next: [],
            State: null,
            Attempt: 1,
            Priority: priority,
            RunAt: runAt ?? T0,
            LeaseOwner: null,
            LeaseExpiresAt: null,
            IdempotencyKey: $"{execution.Id:N}:{stepKey}",
            CreatedAt: createdAt ?? T0,
            StartedAt: null,
            CompletedAt: null);

    public static StepAttemptRecord Attempt(StepRunRecord step, int attempt, StepRunStatus status = StepRunStatus.Succeeded) => new(
        TaskId: step.Id,
        ExecutionId: step.ExecutionId,
        Attempt: attempt,
        Status: status,
        Inputs: step.Inputs,
        Outputs: Json($$"""{"attempt":{{attempt}}}"""),
        Error: status == StepRunStatus.Failed ? "boom" : null,
        WorkerId: "worker-1",
        StartedAt: T0.AddSeconds(attempt),
        FinishedAt: T0.AddSeconds(attempt).AddMilliseconds(250),
        Logs: Json($$"""[{"time":"2026-01-01T00:00:00+00:00","level":"info","message":"attempt {{attempt}} of \u0027{{step.StepKey}}\u0027"}]"""));

    /// <summary>A change creating <paramref name="execution"/> with <paramref name="steps"/>.</summary>
    public static ExecutionChange Create(ExecutionRecord execution, params StepRunRecord[] steps) => new(execution, null, steps, []);

    public static WorkflowRecord Workflow(string id, string tenantId = "default", string? name = null, string status = "draft", DateTimeOffset? at = null) => new(
        Id: id,
        TenantId: tenantId,
        Name: name ?? $"Workflow {id}",
        Description: "does things",
        Definition: $$"""{"id":"{{id}}","steps":[]}""",
        Source: $"id: {id}\nsteps: []\n",
        Status: status,
        Version: 1,
        OwnerId: Guid.Parse("7d7b9a4e-2f0c-4a59-9a43-0c7f9d1e8b11"),
        CreatedAt: at ?? T0,
        UpdatedAt: at ?? T0);
}
