using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Isolation;
using OpenClaw.Sandbox.Protocol;
using OpenClaw.Sandbox.Runners;

namespace OpenClaw.Sandbox;

/// <summary>
/// Runs untrusted plugins out of process: in a pooled runner under bubblewrap (no network unless granted, a read-only
/// system, a private scratch folder) with memory, CPU, file and output limits and a wall-clock timeout. Every broken rule is
/// recorded in the <see cref="ISecurityEventSink"/> and fails the call without retry; the runner is replaced.
/// </summary>
/// <remarks>
/// One instance per process (a singleton): it owns the runner pool. Without bubblewrap, calls are refused unless
/// <see cref="SandboxOptions.AllowWeakIsolation"/> is set; either way a warning is logged when the instance is created.
/// </remarks>
public sealed class SandboxedPluginInvoker : IAsyncDisposable
{
    private readonly SandboxOptions _options;
    private readonly ISecurityEventSink _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LaunchPlan _plan;
    private readonly RunnerPool _pool;
    private readonly SemaphoreSlim _concurrency;

    /// <summary>Probes the machine for bubblewrap and logs how strong the isolation is.</summary>
    public SandboxedPluginInvoker(
        IOptions<SandboxOptions> options, ISecurityEventSink events, ILogger<SandboxedPluginInvoker>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (_options.RunnersPerPlugin < 1) throw new ArgumentException("SandboxOptions.RunnersPerPlugin must be at least 1.", nameof(options));
        if (_options.MaxConcurrentCalls < 1) throw new ArgumentException("SandboxOptions.MaxConcurrentCalls must be at least 1.", nameof(options));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _plan = IsolationProbe.Create(_options, _logger);
        _pool = new RunnerPool(_plan, _options, _logger);
        _concurrency = new SemaphoreSlim(_options.MaxConcurrentCalls, _options.MaxConcurrentCalls);
    }

    /// <summary>How untrusted code is contained on this machine.</summary>
    public SandboxIsolation Isolation => _plan.Isolation;

    /// <summary>Runner processes started so far.</summary>
    internal long RunnersStarted => _pool.Started;

    /// <summary>Starts the plugin's warm runners now and waits until they are ready, so the first call pays no start-up.</summary>
    /// <exception cref="PluginException">The runners could not be started or the plugin could not be loaded.</exception>
    public async Task WarmUpAsync(SandboxPluginRef plugin, CancellationToken cancellationToken = default)
    {
        var spec = ToSpec(plugin);
        if (_plan.Isolation == SandboxIsolation.Unavailable) throw IsolationUnavailable().ToException();
        try
        {
            await _pool.WarmUpAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (RunnerStartException e)
        {
            throw new PluginException($"Sandbox runners for plugin '{plugin.Name}' could not be started: {e.Message}", e.Retryable, e);
        }
    }

    /// <summary>Runs the plugin once, in the sandbox.</summary>
    /// <param name="plugin">What to run and what it may do.</param>
    /// <param name="inputs">The step's resolved inputs.</param>
    /// <param name="context">The step attempt: ids, settings, credentials, timeout, logger.</param>
    /// <param name="cancellationToken">Cancels the call: the plugin's token fires, and its runner is killed if it does not stop in time.</param>
    /// <returns>The output, or a typed failure: violations and load errors are not retryable, crashes and plugin errors may be.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SandboxResult> ExecuteAsync(
        SandboxPluginRef plugin, JsonObject inputs, SandboxCallContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        var spec = ToSpec(plugin);
        if (_plan.Isolation == SandboxIsolation.Unavailable) return SandboxResult.Failed(IsolationUnavailable());

        var request = new SandboxMessage
        {
            Type = SandboxMessage.Execute,
            Assembly = _plan.AssemblyPathInside(spec),
            PluginType = spec.TypeName,
            Inputs = inputs,
            CpuSeconds = spec.Resources.CpuTimeSeconds,
            Context = new CallFields
            {
                ExecutionId = context.ExecutionId,
                StepId = context.StepId,
                Attempt = context.Attempt,
                IdempotencyKey = context.IdempotencyKey,
                Settings = context.Settings,
                MemoryMb = spec.Resources.MemoryMb,
                CpuTimeSeconds = spec.Resources.CpuTimeSeconds,
                Credentials = plugin.Has(PluginPermissions.Credentials) ? ToFields(context.Credentials) : null,
            },
        };

        return await CallAsync(plugin, spec, request, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Calls one of the plugin's lifecycle hooks in the sandbox, under the same rules and limits as a call.</summary>
    /// <param name="plugin">What to run and what it may do.</param>
    /// <param name="hook">Which hook.</param>
    /// <param name="context">Ids for security events, the timeout, and the logger that receives what the hook prints.</param>
    /// <param name="cancellationToken">Cancels the call, as for <see cref="ExecuteAsync"/>.</param>
    /// <returns>An empty output when the hook returned; otherwise the failure, typed as for <see cref="ExecuteAsync"/>.</returns>
    /// <remarks>
    /// The SDK gives hooks no <see cref="PluginContext"/>, so whatever the hook writes to <see cref="Console.Out"/> or
    /// <see cref="Console.Error"/> is its log: each line reaches <see cref="SandboxCallContext.Logger"/> as an information
    /// entry before this method returns. The hook runs in the same warm runners as calls of the same plugin.
    /// </remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SandboxResult> InvokeHookAsync(
        SandboxPluginRef plugin, PluginLifecycleHook hook, SandboxCallContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = ToSpec(plugin);
        if (_plan.Isolation == SandboxIsolation.Unavailable) return SandboxResult.Failed(IsolationUnavailable());
        var request = new SandboxMessage
        {
            Type = SandboxMessage.Execute,
            Assembly = _plan.AssemblyPathInside(spec),
            PluginType = spec.TypeName,
            Hook = hook switch
            {
                PluginLifecycleHook.Install => "install",
                PluginLifecycleHook.Uninstall => "uninstall",
                PluginLifecycleHook.Enable => "enable",
                PluginLifecycleHook.Disable => "disable",
                _ => throw new ArgumentOutOfRangeException(nameof(hook), hook, "Unknown lifecycle hook."),
            },
            CpuSeconds = spec.Resources.CpuTimeSeconds,
            Context = new CallFields
            {
                ExecutionId = context.ExecutionId,
                StepId = context.StepId,
                Attempt = context.Attempt,
                IdempotencyKey = context.IdempotencyKey,
                MemoryMb = spec.Resources.MemoryMb,
                CpuTimeSeconds = spec.Resources.CpuTimeSeconds,
            },
        };
        return await CallAsync(plugin, spec, request, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the warm runners of the plugin whose assembly is <see cref="SandboxPluginRef.AssemblyPath"/>: idle ones now, busy
    /// ones when their call ends. Call it when a plugin's files are removed or replaced, so no runner keeps serving old code.
    /// </summary>
    public void Retire(SandboxPluginRef plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        _pool.Evict(plugin.AssemblyPath);
    }

    private async Task<SandboxResult> CallAsync(
        SandboxPluginRef plugin, RunnerSpec spec, SandboxMessage request, SandboxCallContext context, CancellationToken cancellationToken)
    {
        await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RunnerProcess runner;
            try
            {
                runner = await _pool.AcquireAsync(spec, cancellationToken).ConfigureAwait(false);
            }
            catch (RunnerStartException e)
            {
                return SandboxResult.Failed(new SandboxFailure(SandboxFailureKind.RunnerUnavailable, e.Message, e.Retryable));
            }

            CallOutcome outcome;
            try
            {
                outcome = await runner.ExecuteAsync(request, context.Timeout ?? _options.DefaultTimeout, context.Logger, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _pool.Release(spec, runner);
            }
            return await ToResultAsync(plugin, context, outcome).ConfigureAwait(false);
        }
        finally
        {
            _concurrency.Release();
        }
    }

    private async Task<SandboxResult> ToResultAsync(SandboxPluginRef plugin, SandboxCallContext context, CallOutcome outcome)
    {
        // Every violation is recorded, reported ones (denied operations) and the one that ended the runner; the first fails the call.
        var violations = outcome.Reported.Select(r => (r.Kind, r.Detail)).ToList();
        if (outcome.Terminal is { } terminal) violations.Add((terminal, outcome.Detail ?? terminal.ToString()));
        SandboxViolation? first = null;
        foreach (var (kind, detail) in violations)
        {
            var violation = new SandboxViolation(kind, plugin.Name, detail, _time.GetUtcNow()) { ExecutionId = context.ExecutionId, StepId = context.StepId };
            first ??= violation;
            _logger.LogWarning("Sandbox violation by plugin {Plugin} (step {StepId}): {Kind}: {Detail}", plugin.Name, context.StepId, kind, detail);
            await _events.RecordAsync(violation).ConfigureAwait(false);
        }
        if (first is not null)
        {
            return SandboxResult.Failed(new SandboxFailure(
                SandboxFailureKind.Violation, $"Plugin '{plugin.Name}' broke a sandbox rule ({first.Kind}): {first.Detail}", Retryable: false)
            { Violation = first });
        }

        return outcome.Reply switch
        {
            { Type: SandboxMessage.Result } reply => SandboxResult.Success(reply.Output ?? []),
            { Type: SandboxMessage.Error } reply => SandboxResult.Failed(
                new SandboxFailure(SandboxFailureKind.PluginError, reply.Message ?? "The plugin failed.", reply.Retryable) { ErrorType = reply.ErrorType }),
            _ => SandboxResult.Failed(new SandboxFailure(
                SandboxFailureKind.RunnerCrashed, $"Plugin '{plugin.Name}' crashed its sandbox runner: {outcome.Detail}", Retryable: true)),
        };
    }

    private SandboxFailure IsolationUnavailable() => new(
        SandboxFailureKind.IsolationUnavailable,
        "Untrusted plugins are refused: bubblewrap is not available on this machine and weak isolation is not allowed " +
        "(install bubblewrap, or set OpenClaw:Sandbox:AllowWeakIsolation=true).",
        Retryable: false);

    private RunnerSpec ToSpec(SandboxPluginRef plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        if (!Path.IsPathFullyQualified(plugin.AssemblyPath))
            throw new ArgumentException($"Plugin '{plugin.Name}': the assembly path must be absolute, not '{plugin.AssemblyPath}'.", nameof(plugin));
        if (string.IsNullOrWhiteSpace(plugin.TypeName))
            throw new ArgumentException($"Plugin '{plugin.Name}' names no type.", nameof(plugin));
        var resources = plugin.Resources ?? _options.DefaultResources;
        if (resources.MemoryMb < 16 || resources.CpuTimeSeconds < 1)
            throw new ArgumentException($"Plugin '{plugin.Name}': resources need at least 16 MB and 1 s of CPU, not {resources}.", nameof(plugin));
        return new RunnerSpec(
            plugin.Name, plugin.AssemblyPath, plugin.TypeName, plugin.Has(PluginPermissions.Network), plugin.Has(PluginPermissions.Process), resources);
    }

    private static Dictionary<string, CredentialFields>? ToFields(IReadOnlyDictionary<string, PluginCredential>? credentials) =>
        credentials?.ToDictionary(
            c => c.Key,
            c => new CredentialFields { Type = c.Value.Type, Values = c.Value.Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal) },
            StringComparer.Ordinal);

    /// <summary>Kills every runner.</summary>
    public async ValueTask DisposeAsync()
    {
        await _pool.DisposeAsync().ConfigureAwait(false);
        _concurrency.Dispose();
    }
}
