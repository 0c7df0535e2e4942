using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sandbox;

/// <summary>The step attempt a sandboxed call belongs to: what the plugin's <see cref="PluginContext"/> will show.</summary>
public sealed record SandboxCallContext
{
    /// <summary>The execution the step belongs to.</summary>
    public Guid ExecutionId { get; init; }
    /// <summary>The step id in the workflow definition.</summary>
    public string StepId { get; init; } = "";
    /// <summary>The attempt number, starting at 1.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>Stable across retries of the same step instance (see <see cref="PluginContext.IdempotencyKey"/>).</summary>
    public string IdempotencyKey { get; init; } = "";

    /// <summary>The installed plugin's settings (<see cref="PluginConfig.Settings"/>).</summary>
    public JsonObject? Settings { get; init; }

    /// <summary>Credentials the step may use; sent into the sandbox only when the plugin holds the <c>credentials</c> permission.</summary>
    public IReadOnlyDictionary<string, PluginCredential>? Credentials { get; init; }

    /// <summary>Wall-clock limit of this call; <see langword="null"/> takes <see cref="SandboxOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Receives the plugin's log entries and anything it prints; <see langword="null"/> drops them.</summary>
    public ILogger? Logger { get; init; }
}

/// <summary>The lifecycle hooks of <see cref="Plugin"/> that <see cref="SandboxedPluginInvoker.InvokeHookAsync"/> can call.</summary>
public enum PluginLifecycleHook
{
    /// <summary><see cref="Plugin.OnInstallAsync"/>.</summary>
    Install,

    /// <summary><see cref="Plugin.OnUninstallAsync"/>.</summary>
    Uninstall,

    /// <summary><see cref="Plugin.OnEnableAsync"/>.</summary>
    Enable,

    /// <summary><see cref="Plugin.OnDisableAsync"/>.</summary>
    Disable,
}
