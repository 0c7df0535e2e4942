using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using OpenClaw.Server.Credentials;
using OpenClaw.Server.Security;
using OpenClaw.Server.Triggers;

namespace OpenClaw.Server.Api;

/// <summary>What an async webhook (or a sync one that ran past its timeout) answers.</summary>
public sealed record WebhookAccepted(Guid ExecutionId, string Status);

/// <summary>
/// The public webhook endpoint, <c>/webhooks/{path}</c>: anonymous (the secret path, and optionally an HMAC signature,
/// authenticate the caller), rate-limited per path, body-limited. Unknown and disabled paths answer the same 404.
/// </summary>
internal static partial class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        api.MapMethods("/webhooks/{path}", ["POST", "GET", "PUT"], HandleAsync).WithTags("Webhooks").AllowAnonymous().AddEndpointFilter<WebhookRateLimitFilter>();
        return api;
    }

    private static async Task<IResult> HandleAsync(
        string path, HttpRequest request, TriggerLookup lookup, SecretCipher secrets, ExecutionCoordinator coordinator, WorkflowPlanCache plans,
        ExecutionCompletion completion, IOptions<WebhookOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var o = options.Value;
        // The same answer for a path that never existed, was rotated away, or belongs to a disabled trigger.
        var trigger = path.Length is >= 16 and <= 128 ? await lookup.FindAsync(WebhookPaths.Hash(path), ct) : null;
        if (trigger is null || !trigger.Enabled) return Problems.NotFound("No webhook at this address.");
        if (!trigger.Methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase))
        {
            request.HttpContext.Response.Headers.Allow = string.Join(", ", trigger.Methods);
            return TypedResults.Problem($"This webhook accepts {string.Join(", ", trigger.Methods)}.", statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed");
        }

        var body = await ReadBodyAsync(request, o.MaxBodyBytes, ct);
        if (body is null)
            return TypedResults.Problem($"The body is larger than {o.MaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large");

        if (trigger.SigningSecret is { } sealedSecret)
        {
            string secret;
            try
            {
                secret = secrets.OpenText("trigger", trigger.TenantId, trigger.Id, sealedSecret, trigger.SigningKeyId!);
            }
            catch (CryptographicException ex)
            {
                LogUnreadableSecret(loggers.CreateLogger(typeof(WebhookEndpoints)), trigger.Id, ex.Message);
                return TypedResults.Problem("The webhook's signing secret cannot be read; ask its owner to rotate it.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var refused = WebhookSignature.Verify(secret, body, request.Headers[WebhookSignature.SignatureHeader], request.Headers[WebhookSignature.TimestampHeader],
                trigger.RequireTimestamp, time.GetUtcNow(), o.TimestampTolerance);
            if (refused is not null)
                return TypedResults.Problem(refused, statusCode: StatusCodes.Status401Unauthorized, title: "The request is not signed correctly",
                    type: "https://openclaw.dev/problems/webhook-signature");
        }

        IReadOnlySet<string> declared = new HashSet<string>();
        if (trigger.InputMapping == "request")
        {
            try
            {
                declared = (await plans.GetCurrentAsync(trigger.TenantId, trigger.WorkflowId, null, ct)).Definition.Inputs.Select(i => i.Name).ToHashSet();
            }
            catch (WorkflowNotFoundException)
            {
                return WorkflowGone(trigger);
            }
        }
        var (inputs, error) = WebhookInputs.Map(trigger.InputMapping, request, body, declared);
        if (error is not null) return Problems.Invalid("$", error);

        // The tenant's daily execution quota applies to webhook starts as to any other (the coordinator's admission: 429).
        var executionId = Guid.CreateVersion7();
        using var watch = trigger.Mode == "sync" ? completion.Watch(executionId) : null;
        try
        {
            await coordinator.StartAsync(new StartExecutionRequest(trigger.TenantId, trigger.WorkflowId, null, inputs, TaskPriority.Normal, "webhook",
                ExecutionId: executionId), ct);
        }
        catch (WorkflowNotFoundException)
        {
            return WorkflowGone(trigger);
        }
        catch (InputValidationException ex)
        {
            return Problems.Invalid("The request does not match the workflow's declared inputs", ex.Errors);
        }

        if (watch is null) return TypedResults.Accepted((string?)null, new WebhookAccepted(executionId, "running"));

        var finished = await completion.WaitAsync(watch, executionId, TimeSpan.FromMilliseconds(trigger.SyncTimeoutMs), ct);
        request.HttpContext.Response.Headers["X-OpenClaw-Execution-Id"] = executionId.ToString();
        if (finished is null) return TypedResults.Accepted((string?)null, new WebhookAccepted(executionId, "running"));
        if (finished.Status == ExecutionStatus.Succeeded)
            return finished.Outputs is { } outputs ? TypedResults.Json(outputs, statusCode: StatusCodes.Status200OK) : TypedResults.Ok(new { });
        return TypedResults.Problem(finished.Error, statusCode: StatusCodes.Status500InternalServerError, title: $"The workflow {finished.Status.ToWire()}",
            type: "https://openclaw.dev/problems/execution-" + finished.Status.ToWire(),
            extensions: new Dictionary<string, object?> { ["execution_id"] = executionId, ["execution_status"] = finished.Status.ToWire() });
    }

    private static IResult WorkflowGone(TriggerRecord trigger) =>
        Problems.NotFound($"The workflow '{trigger.WorkflowId}' this webhook starts no longer exists.");

    /// <returns>The body, or null when it is larger than <paramref name="limit"/>.</returns>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The signing secret of trigger {TriggerId} cannot be decrypted: {Reason}")]
    private static partial void LogUnreadableSecret(ILogger logger, Guid triggerId, string reason);
}
