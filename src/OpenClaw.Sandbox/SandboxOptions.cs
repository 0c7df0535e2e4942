using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sandbox;

/// <summary>Settings of the plugin sandbox (configuration section <c>OpenClaw:Sandbox</c>).</summary>
public sealed record SandboxOptions
{
    /// <summary>The runner's entry assembly; default <c>sandbox-runner/OpenClaw.Sandbox.Runner.dll</c> beside this library.</summary>
    public string? RunnerPath { get; init; }

    /// <summary>The <c>dotnet</c> host that starts the runner; default the one running this process, else the one on <c>PATH</c>.</summary>
    public string? DotnetPath { get; init; }

    /// <summary>
    /// The bubblewrap executable; default <c>bwrap</c> found on <c>PATH</c>. A path that does not exist means "no bubblewrap"
    /// (useful to test the weak mode).
    /// </summary>
    public string? BubblewrapPath { get; init; }

    /// <summary>
    /// Run untrusted code without bubblewrap when it is missing: resource limits, timeouts and output caps still apply, but the
    /// plugin then sees the host's file system and network. Off by default: without it, calls are refused.
    /// </summary>
    public bool AllowWeakIsolation { get; init; }

    /// <summary>Runners kept per plugin and permission set (idle or busy), so a call does not pay for a process start.</summary>
    public int RunnersPerPlugin { get; init; } = 2;

    /// <summary>Calls a runner serves before it is replaced (it is always replaced after a violation).</summary>
    public int MaxCallsPerRunner { get; init; } = 1000;

    /// <summary>Sandboxed calls running at once across all plugins; more wait.</summary>
    public int MaxConcurrentCalls { get; init; } = 32;

    /// <summary>Limits for plugins whose reference gives none; the specification's defaults (512 MB, 30 s of CPU).</summary>
    public PluginResources DefaultResources { get; init; } = PluginResources.Default;

    /// <summary>Wall-clock limit of one call when the caller gives none. Past it the runner's process tree is killed.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Bytes a call may produce in all: protocol frames (output, logs) plus anything written to stdout/stderr. Past it the host
    /// stops reading and kills the runner.
    /// </summary>
    public long MaxOutputBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Native memory the .NET runtime itself needs on top of the plugin's limit (code, stacks, GC bookkeeping).</summary>
    public int RuntimeOverheadMb { get; init; } = 256;

    /// <summary>Open file descriptors (<c>RLIMIT_NOFILE</c>).</summary>
    public int MaxOpenFiles { get; init; } = 256;

    /// <summary>Largest file a plugin may write (<c>RLIMIT_FSIZE</c>).</summary>
    public int MaxFileSizeMb { get; init; } = 64;

    /// <summary>Size of the private scratch folder (a tmpfs under bubblewrap).</summary>
    public int ScratchSizeMb { get; init; } = 64;

    /// <summary>
    /// CPU seconds a runner may use in its whole life (the hard <c>RLIMIT_CPU</c>, which plugin code cannot raise). A runner
    /// is retired once what is left is less than a call's budget. Raised to at least twice the plugin's CPU limit.
    /// </summary>
    public int RunnerCpuLifetimeSeconds { get; init; } = 300;

    /// <summary>How long a runner may take to start and load its plugin.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After a caller cancels, how long the plugin has to stop before its runner is killed.</summary>
    public TimeSpan CancelGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Parent of the per-runner scratch folders in the weak mode; default the system temp folder.</summary>
    public string? ScratchRoot { get; init; }
}
