using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sandbox;

/// <summary>What a sandboxed call produced: the plugin's output, or why there is none.</summary>
public sealed record SandboxResult
{
    private SandboxResult(JsonObject? output, SandboxFailure? failure) => (Output, Failure) = (output, failure);

    /// <summary>The plugin's output when it succeeded.</summary>
    public JsonObject? Output { get; }

    /// <summary>Why the call failed; <see langword="null"/> when it succeeded.</summary>
    public SandboxFailure? Failure { get; }

    /// <summary>Whether the plugin returned an output.</summary>
    [MemberNotNullWhen(true, nameof(Output))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null;

    /// <summary>A successful call.</summary>
    public static SandboxResult Success(JsonObject output) => new(output, null);

    /// <summary>A failed call.</summary>
    public static SandboxResult Failed(SandboxFailure failure) => new(null, failure);
}

/// <summary>Why a sandboxed call failed.</summary>
/// <param name="Kind">Who failed: the plugin, the sandbox's rules, or the sandbox itself.</param>
/// <param name="Message">For the workflow's author.</param>
/// <param name="Retryable">Whether running the step again may succeed. Violations never are.</param>
public sealed record SandboxFailure(SandboxFailureKind Kind, string Message, bool Retryable)
{
    /// <summary>The .NET type of the exception the plugin threw, for <see cref="SandboxFailureKind.PluginError"/>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The rule the plugin broke, for <see cref="SandboxFailureKind.Violation"/>.</summary>
    public SandboxViolation? Violation { get; init; }

    /// <summary>The failure as the exception the engine expects from a plugin.</summary>
    public PluginException ToException() => new(Message, Retryable);
}

/// <summary>Who or what made a sandboxed call fail.</summary>
public enum SandboxFailureKind
{
    /// <summary>The plugin threw (a <see cref="PluginException"/> or any other exception).</summary>
    PluginError,

    /// <summary>The plugin broke a sandbox rule: see <see cref="SandboxFailure.Violation"/>.</summary>
    Violation,

    /// <summary>The runner process died without a known cause (a crash in plugin code, a stack overflow).</summary>
    RunnerCrashed,

    /// <summary>No runner could be started or the plugin could not be loaded into it.</summary>
    RunnerUnavailable,

    /// <summary>Strong isolation is unavailable and <see cref="SandboxOptions.AllowWeakIsolation"/> is off.</summary>
    IsolationUnavailable,
}
