using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins;

namespace OpenClaw.Runtime.Workers;

/// <summary>Runs one claimed task: calls its plugin under the step's timeout, or fires a delay.</summary>
public sealed class StepExecutor(IPluginResolver plugins, ICredentialProvider credentials, ILoggerFactory loggers, TimeProvider time)
{
    /// <summary>The outcome of one attempt: an output or a failure.</summary>
    public readonly record struct Result(JsonElement? Output, StepFailure? Failure);

    public async Task<Result> ExecuteAsync(StepRunRecord task, CancellationToken cancellationToken)
    {
        switch (task.StepType)
        {
            case "delay":
                // The queue released the task at its run_at: the wait is over.
                var fired = new JsonObject { ["fired_at"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) };
                return new Result(JsonSerializer.SerializeToElement(fired), null);
            case "plugin":
                return await ExecutePluginAsync(task, cancellationToken).ConfigureAwait(false);
            default:
                return new Result(null, new StepFailure($"a '{task.StepType}' step cannot run on a worker", false));
        }
    }

    private async Task<Result> ExecutePluginAsync(StepRunRecord task, CancellationToken cancellationToken)
    {
        string? version = task.State is { } state && state.TryGetProperty("plugin_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var plugin = plugins.Resolve(task.PluginName!, version);
        if (plugin is null)
        {
            string name = version is null ? task.PluginName! : $"{task.PluginName}@{version}";
            return new Result(null, new StepFailure($"plugin '{name}' is not installed or is disabled", false));
        }

        var timeout = task.State is { } s && s.TryGetProperty("timeout_ms", out var t) && t.TryGetInt64(out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : StepDefinition.DefaultTimeout;
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);

        var inputs = task.Inputs is { ValueKind: JsonValueKind.Object } i ? JsonObject.Create(i)! : new JsonObject();
        var logger = loggers.CreateLogger("OpenClaw.Plugins." + plugin.Metadata.Name);
        var context = new RuntimePluginContext(task.TenantId, task.ExecutionId, task.StepId, task.Attempt, task.IdempotencyKey, logger, credentials, linked.Token);
        try
        {
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["execution_id"] = task.ExecutionId, ["step"] = task.StepKey });
            // Stop waiting at the timeout or on cancellation even if the plugin ignores its token, so a plugin that
            // hangs cannot hold a worker forever; it was asked to stop and its late result is dropped.
            var output = await plugin.ExecuteAsync(inputs, context).AsTask().WaitAsync(linked.Token).ConfigureAwait(false);
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
}
