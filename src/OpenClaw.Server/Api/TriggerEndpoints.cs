using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using OpenClaw.Server.Credentials;
using OpenClaw.Server.Security;
using OpenClaw.Server.Triggers;

namespace OpenClaw.Server.Api;

/// <summary>A webhook trigger as the API shows it. <see cref="Path"/>, <see cref="Url"/> and <see cref="SigningSecret"/> appear only when just made.</summary>
public sealed record TriggerResponse(
    Guid Id, string WorkflowId, string Name, string Mode, IReadOnlyList<string> Methods, string InputMapping, bool Enabled,
    bool RequireSignature, bool RequireTimestamp, int SyncTimeoutSeconds, string PathHint, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? CreatedBy, string? Path = null, string? Url = null, string? SigningSecret = null)
{
    public static TriggerResponse From(TriggerRecord t) =>
        new(t.Id, t.WorkflowId, t.Name, t.Mode, t.Methods, t.InputMapping, t.Enabled, t.SigningSecret is not null, t.RequireTimestamp,
            t.SyncTimeoutMs / 1000, t.PathHint, t.CreatedAt, t.UpdatedAt, t.CreatedBy);
}

/// <summary>Webhook triggers per workflow (create, list, read, update, delete, rotate) and manual runs.</summary>
internal static class TriggerEndpoints
{
    private static readonly string[] Keys =
        ["workflow_id", "name", "mode", "methods", "input_mapping", "enabled", "require_signature", "require_timestamp", "sync_timeout_seconds"];

    private static readonly string[] Modes = ["async", "sync"];
    private static readonly string[] Methods = ["POST", "GET", "PUT"];
    private static readonly string[] Mappings = ["body", "request"];

    public static RouteGroupBuilder MapTriggerEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/triggers").WithTags("Triggers").RequirePermission(Permissions.TriggersManage);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id:guid}", UpdateAsync);
        group.MapDelete("/{id:guid}", DeleteAsync);
        group.MapPost("/{id:guid}/rotate-path", RotatePathAsync);
        group.MapPost("/{id:guid}/rotate-secret", RotateSecretAsync);
        api.MapPost("/workflows/{id}/run", RunAsync).WithTags("Executions").RequirePermission(Permissions.ExecutionsRun);
        return api;
    }

    private static async Task<Ok<List<TriggerResponse>>> ListAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "workflow_id")] string? workflowId, Caller caller, ITriggerStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(caller.TenantId, workflowId, ct)).Select(TriggerResponse.From).ToList());

    private static async Task<Results<Ok<TriggerResponse>, ProblemHttpResult>> GetAsync(Guid id, Caller caller, ITriggerStore store, CancellationToken ct) =>
        await store.GetAsync(caller.TenantId, id, ct) is { } found ? TypedResults.Ok(TriggerResponse.From(found)) : NotFound(id);

    private static async Task<Results<Created<TriggerResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, Caller caller, ITriggerStore store, IWorkflowStore workflows, SecretCipher secrets, AuditContext audit, TimeProvider time,
        CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, Keys, ct, "The trigger is invalid");
        if (problem is not null) return problem;
        var workflowId = body!.String("workflow_id", required: true, 200);
        var settings = ReadSettings(body, defaults: null);
        if (body.Errors is { } invalid) return Problems.Invalid("The trigger is invalid", invalid);
        if (await workflows.GetAsync(caller.TenantId, workflowId!, ct) is null)
            return Problems.Invalid("$.workflow_id", $"Workflow '{workflowId}' does not exist.");

        var id = Guid.CreateVersion7();
        var path = WebhookPaths.New();
        var signing = settings.RequireSignature ? WebhookPaths.NewSigningSecret() : null;
        var now = time.GetUtcNow();
        var record = new TriggerRecord(id, caller.TenantId, workflowId!, settings.Name ?? workflowId!, WebhookPaths.Hash(path), WebhookPaths.Hint(path),
            settings.Mode, settings.Methods, settings.InputMapping, settings.Enabled, signing is null ? null : secrets.SealText("trigger", caller.TenantId, id, signing),
            signing is null ? null : secrets.CurrentKeyId, settings.RequireTimestamp, settings.SyncTimeoutMs, now, now, caller.SubjectId);
        var created = await store.CreateAsync(record, ct);
        audit.Describe("trigger", id.ToString(), "create", null, TriggerResponse.From(created));
        return TypedResults.Created($"{request.PathBase}{ApiRoutes.Prefix(request)}/triggers/{id}", WithSecrets(TriggerResponse.From(created), request, path, signing));
    }

    private static async Task<Results<Ok<TriggerResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpRequest request, Caller caller, ITriggerStore store, IWorkflowStore workflows, SecretCipher secrets, TriggerLookup lookup,
        AuditContext audit, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, Keys, ct, "The trigger is invalid");
        if (problem is not null) return problem;
        var current = await store.GetAsync(caller.TenantId, id, ct);
        if (current is null) return NotFound(id);
        var workflowId = body!.String("workflow_id", required: false, 200) ?? current.WorkflowId;
        var settings = ReadSettings(body, current);
        if (body.Errors is { } invalid) return Problems.Invalid("The trigger is invalid", invalid);
        if (workflowId != current.WorkflowId && await workflows.GetAsync(caller.TenantId, workflowId, ct) is null)
            return Problems.Invalid("$.workflow_id", $"Workflow '{workflowId}' does not exist.");

        // Turning signatures on makes a secret (shown once); turning them off forgets it.
        string? signing = settings.RequireSignature && current.SigningSecret is null ? WebhookPaths.NewSigningSecret() : null;
        var updated = current with
        {
            WorkflowId = workflowId,
            Name = settings.Name ?? current.Name,
            Mode = settings.Mode,
            Methods = settings.Methods,
            InputMapping = settings.InputMapping,
            Enabled = settings.Enabled,
            SigningSecret = !settings.RequireSignature ? null : signing is null ? current.SigningSecret : secrets.SealText("trigger", caller.TenantId, id, signing),
            SigningKeyId = !settings.RequireSignature ? null : signing is null ? current.SigningKeyId : secrets.CurrentKeyId,
            RequireTimestamp = settings.RequireTimestamp,
            SyncTimeoutMs = settings.SyncTimeoutMs,
            UpdatedAt = time.GetUtcNow(),
        };
        var saved = await store.UpdateAsync(updated, ct);
        if (saved is null) return NotFound(id);
        lookup.Invalidate(saved.PathHash);
        audit.Describe("trigger", id.ToString(), "update", TriggerResponse.From(current), TriggerResponse.From(saved));
        return TypedResults.Ok(WithSecrets(TriggerResponse.From(saved), request, null, signing));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, Caller caller, ITriggerStore store, TriggerLookup lookup, AuditContext audit, CancellationToken ct)
    {
        var current = await store.GetAsync(caller.TenantId, id, ct);
        if (current is null || !await store.DeleteAsync(caller.TenantId, id, ct)) return NotFound(id);
        lookup.Invalidate(current.PathHash);
        audit.Describe("trigger", id.ToString(), "delete", TriggerResponse.From(current));
        return TypedResults.NoContent();
    }

    /// <summary>A new secret path; the old one stops working at once (on other processes within the lookup cache's few seconds).</summary>
    private static async Task<Results<Ok<TriggerResponse>, ProblemHttpResult>> RotatePathAsync(
        Guid id, HttpRequest request, Caller caller, ITriggerStore store, TriggerLookup lookup, AuditContext audit, TimeProvider time, CancellationToken ct)
    {
        var current = await store.GetAsync(caller.TenantId, id, ct);
        if (current is null) return NotFound(id);
        var path = WebhookPaths.New();
        var saved = await store.UpdateAsync(current with { PathHash = WebhookPaths.Hash(path), PathHint = WebhookPaths.Hint(path), UpdatedAt = time.GetUtcNow() }, ct);
        if (saved is null) return NotFound(id);
        lookup.Invalidate(current.PathHash);
        audit.Describe("trigger", id.ToString(), "rotate_path", TriggerResponse.From(current), TriggerResponse.From(saved));
        return TypedResults.Ok(WithSecrets(TriggerResponse.From(saved), request, path, null));
    }

    private static async Task<Results<Ok<TriggerResponse>, ValidationProblem, ProblemHttpResult>> RotateSecretAsync(
        Guid id, HttpRequest request, Caller caller, ITriggerStore store, SecretCipher secrets, TriggerLookup lookup, AuditContext audit, TimeProvider time,
        CancellationToken ct)
    {
        var current = await store.GetAsync(caller.TenantId, id, ct);
        if (current is null) return NotFound(id);
        if (current.SigningSecret is null) return Problems.Invalid("$.require_signature", "The trigger does not require signatures; turn them on with PUT first.");
        var signing = WebhookPaths.NewSigningSecret();
        var saved = await store.UpdateAsync(current with { SigningSecret = secrets.SealText("trigger", caller.TenantId, id, signing), SigningKeyId = secrets.CurrentKeyId, UpdatedAt = time.GetUtcNow() }, ct);
        if (saved is null) return NotFound(id);
        lookup.Invalidate(current.PathHash);
        audit.Describe("trigger", id.ToString(), "rotate_secret", TriggerResponse.From(current), TriggerResponse.From(saved));
        return TypedResults.Ok(WithSecrets(TriggerResponse.From(saved), request, null, signing));
    }

    /// <summary>A manual run: as <c>POST /workflows/{id}/executions</c>, recorded with trigger <c>manual</c>.</summary>
    private static Task<Results<Accepted<ExecutionStarted>, ValidationProblem, ProblemHttpResult>> RunAsync(
        string id, HttpRequest request, Caller caller, ExecutionCoordinator coordinator, AuditContext audit, CancellationToken ct) =>
        ExecutionEndpoints.StartWithTriggerAsync(id, request, caller, coordinator, audit, "manual", ct);

    private sealed record Settings(
        string? Name, string Mode, IReadOnlyList<string> Methods, string InputMapping, bool Enabled, bool RequireSignature, bool RequireTimestamp, int SyncTimeoutMs);

    private static Settings ReadSettings(JsonRequestBody body, TriggerRecord? defaults)
    {
        var name = body.String("name", required: false, 100, JsonRequestBody.NamePattern(), JsonRequestBody.NameHint);
        var mode = body.String("mode", required: false, 10) ?? defaults?.Mode ?? "async";
        if (!Modes.Contains(mode)) body.Error("mode", "Must be async or sync.");
        var methods = body.Strings("methods", Methods, required: false) ?? defaults?.Methods ?? ["POST"];
        var mapping = body.String("input_mapping", required: false, 10) ?? defaults?.InputMapping ?? "body";
        if (!Mappings.Contains(mapping)) body.Error("input_mapping", "Must be body or request.");
        var enabled = body.Bool("enabled") ?? defaults?.Enabled ?? true;
        var signature = body.Bool("require_signature") ?? (defaults is not null && defaults.SigningSecret is not null);
        var timestamp = body.Bool("require_timestamp") ?? defaults?.RequireTimestamp ?? false;
        if (timestamp && !signature) body.Error("require_timestamp", "Needs require_signature: the timestamp is signed with the body.");
        var timeout = body.Integer("sync_timeout_seconds", 1, 120) ?? (defaults?.SyncTimeoutMs ?? 30_000) / 1000;
        return new Settings(name, mode, methods, mapping, enabled, signature, timestamp, (int)timeout * 1000);
    }

    private static TriggerResponse WithSecrets(TriggerResponse response, HttpRequest request, string? path, string? signing) => response with
    {
        Path = path,
        Url = path is null ? null : $"{request.Scheme}://{request.Host}{request.PathBase}{ApiRoutes.Prefix(request)}/webhooks/{path}",
        SigningSecret = signing,
    };

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound($"Trigger {id} does not exist.");
}
