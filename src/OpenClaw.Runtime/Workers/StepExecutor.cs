using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Credentials;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Sandbox;

namespace OpenClaw.Runtime.Workers;

/// <summary>
/// Runs one claimed task: calls its plugin under the step's timeout (built-ins in process, third-party plugins through the
/// sandbox), or fires a delay.
/// </summary>
/// <param name="sandbox">Runs third-party plugins; without it (no registry configured) such steps fail.</param>
/// <param name="objectStore">Handed to in-process plugins for large payloads; null when the host configured none.</param>
public sealed class StepExecutor(
    IPluginResolver plugins, ICredentialProvider credentials, ILoggerFactory loggers, TimeProvider time, SandboxedPluginInvoker? sandbox = null,
    IPluginObjectStore? objectStore = null)
{
    /// <summary>The outcome of one attempt: an output or a failure, and what the plugin logged.</summary>
    public readonly record struct Result(JsonElement? Output, StepFailure? Failure, JsonElement? Logs = null);

    public async Task<Result> ExecuteAsync(StepRunRecord task, CancellationToken cancellationToken)
    {
        switch (task.StepType)
        {
            case "delay":
                // The queue released the task at its run_at: the wait is over.
                var fired = new JsonObject { ["fired_at"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) };
                return new Result(JsonSerializer.SerializeToElement(fired), null);
            case "plugin":
                // Every credential value this attempt resolves is masked in its output, error and log lines before they
                // leave here; the step's kept log sees the masked lines.
                var redactor = new SecretRedactor();
                var recorder = new StepLogRecorder(loggers.CreateLogger("OpenClaw.Plugins." + task.PluginName), time);
                var result = await ExecutePluginAsync(task, new RedactingLogger(recorder, redactor), redactor, cancellationToken).ConfigureAwait(false);
                return Redact(result, redactor) with { Logs = recorder.ToJson() };
            default:
                return new Result(null, new StepFailure($"a '{task.StepType}' step cannot run on a worker", false));
        }
    }

    private async Task<Result> ExecutePluginAsync(StepRunRecord task, ILogger logger, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        string? version = task.State is { } state && state.TryGetProperty("plugin_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var binding = plugins.Bind(task.PluginName!, version);
        switch (binding)
        {
            case null:
                string name = version is null ? task.PluginName! : $"{task.PluginName}@{version}";
                return new Result(null, new StepFailure($"plugin '{name}' is not installed", false));
            case UnavailablePluginBinding unavailable:
                return new Result(null, new StepFailure(unavailable.Reason, false));
        }

        var timeout = task.State is { } s && s.TryGetProperty("timeout_ms", out var t) && t.TryGetInt64(out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : StepDefinition.DefaultTimeout;
        if (binding is SandboxedPluginBinding sandboxed) return await ExecuteSandboxedAsync(task, sandboxed, logger, redactor, timeout, cancellationToken).ConfigureAwait(false);
        var plugin = ((InProcessPluginBinding)binding).Plugin;
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);

        var inputs = task.Inputs is { ValueKind: JsonValueKind.Object } i ? JsonObject.Create(i)! : new JsonObject();
        var context = new RuntimePluginContext(task.TenantId, task.ExecutionId, task.StepId, task.Attempt, task.IdempotencyKey, logger,
            new RecordingCredentialProvider(credentials, redactor), linked.Token, objectStore);
        return await RunInProcessAsync(plugin, inputs, context, task, timeout, timeoutSource, cancellationToken).ConfigureAwait(false);
    }

    private static Result Redact(Result result, SecretRedactor redactor) =>
        redactor.IsEmpty ? result : new Result(
            result.Output is { } output ? redactor.Redact(output) : null,
            result.Failure is { } failure ? failure with { Message = redactor.Redact(failure.Message) } : null);

    private static async Task<Result> RunInProcessAsync(
        Plugin plugin, JsonObject inputs, RuntimePluginContext context, StepRunRecord task, TimeSpan timeout, CancellationTokenSource timeoutSource,
        CancellationToken cancellationToken)
    {
        var logger = context.Logger;
        try
        {
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["execution_id"] = task.ExecutionId, ["step"] = task.StepKey });
            // Stop waiting at the timeout or on cancellation even if the plugin ignores its token, so a plugin that
            // hangs cannot hold a worker forever; it was asked to stop and its late result is dropped.
            var output = await plugin.ExecuteAsync(inputs, context).AsTask().WaitAsync(context.CancellationToken).ConfigureAwait(false);
            return new Result(JsonSerializer.SerializeToElement(output), null);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new Result(null, new StepFailure($"timed out after {DurationParser.Format(timeout)}", true));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (PluginException ex)
        {
            return new Result(null, new StepFailure(ex.Message, ex.Retryable));
        }
        catch (Exception ex)
        {
            return new Result(null, new StepFailure($"{ex.GetType().Name}: {ex.Message}", true));
        }
    }

    /// <summary>Calls a third-party plugin in the sandbox, whose own wall clock enforces the step's timeout.</summary>
    private async Task<Result> ExecuteSandboxedAsync(
        StepRunRecord task, SandboxedPluginBinding binding, ILogger logger, SecretRedactor redactor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (sandbox is null)
            return new Result(null, new StepFailure($"plugin '{binding.Name}' must run in the sandbox, which this worker does not have", false));

        var inputs = task.Inputs is { ValueKind: JsonValueKind.Object } i ? JsonObject.Create(i)! : new JsonObject();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["execution_id"] = task.ExecutionId, ["step"] = task.StepKey });
        var context = new SandboxCallContext
        {
            ExecutionId = task.ExecutionId,
            StepId = task.StepId,
            Attempt = task.Attempt,
            IdempotencyKey = task.IdempotencyKey,
            Settings = binding.Settings,
            Credentials = binding.Sandbox.Has(PluginPermissions.Credentials)
                ? await NamedCredentialsAsync(task.TenantId, inputs, new RecordingCredentialProvider(credentials, redactor), cancellationToken).ConfigureAwait(false)
                : null,
            Timeout = timeout,
            Logger = logger,
        };
        var result = await sandbox.ExecuteAsync(binding.Sandbox, inputs, context, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded) return new Result(JsonSerializer.SerializeToElement(result.Output), null);

        // The sandbox records a timeout as a violation, but for the workflow it is the step's timeout, retried like any other.
        if (result.Failure.Violation?.Kind == SandboxViolationKind.Timeout)
            return new Result(null, new StepFailure($"timed out after {DurationParser.Format(timeout)}", true));
        return new Result(null, new StepFailure(result.Failure.Message, result.Failure.Retryable));
    }

    /// <summary>
    /// The credentials a sandboxed step names in its inputs (<c>credential</c>: a name, or <c>credentials</c>: a list of names):
    /// a sandboxed plugin cannot ask for them later, so they are sent with the call.
    /// </summary>
    private static async Task<Dictionary<string, PluginCredential>> NamedCredentialsAsync(
        string tenantId, JsonObject inputs, ICredentialProvider credentials, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (inputs["credential"] is JsonValue one && one.TryGetValue<string>(out var single)) names.Add(single);
        if (inputs["credentials"] is JsonArray many) names.AddRange(many.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var n) ? n : null).OfType<string>());
        var result = new Dictionary<string, PluginCredential>(StringComparer.Ordinal);
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (await credentials.GetAsync(tenantId, name, cancellationToken).ConfigureAwait(false) is { } credential) result[name] = credential;
        }
        return result;
    }
}
