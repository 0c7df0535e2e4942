using System.Collections.Concurrent;

namespace OpenClaw.Sandbox;

/// <summary>A sandboxed plugin tried something it is not allowed, or exceeded a limit (the specification's security-violation log).</summary>
/// <param name="Kind">Which rule.</param>
/// <param name="Plugin">The plugin's name.</param>
/// <param name="Detail">What happened, e.g. the error the denied operation got or the limit that was reached.</param>
/// <param name="Time">When the host learned of it.</param>
public sealed record SandboxViolation(SandboxViolationKind Kind, string Plugin, string Detail, DateTimeOffset Time)
{
    /// <summary>The execution the call belonged to, when known.</summary>
    public Guid? ExecutionId { get; init; }

    /// <summary>The step the call belonged to, when known.</summary>
    public string? StepId { get; init; }
}

/// <summary>The sandbox rules a plugin can break.</summary>
public enum SandboxViolationKind
{
    /// <summary>A network operation without the <c>network</c> permission (the sandbox has no network).</summary>
    NetworkDenied,

    /// <summary>Starting a process without the <c>process</c> permission (a seccomp filter refuses fork, clone and exec).</summary>
    ProcessDenied,

    /// <summary>A write outside the scratch folder, or another file operation the sandbox refused.</summary>
    FileSystemDenied,

    /// <summary>The memory limit was reached; the runner was ended.</summary>
    MemoryLimit,

    /// <summary>The CPU-time limit was reached; the kernel ended the runner.</summary>
    CpuLimit,

    /// <summary>The wall-clock timeout passed; the host killed the runner.</summary>
    Timeout,

    /// <summary>The call produced more output (stdout, stderr, protocol) than allowed; the host killed the runner.</summary>
    OutputLimit,

    /// <summary>A file grew past the file-size limit; the kernel ended the runner.</summary>
    FileSizeLimit,

    /// <summary>The runner sent something that is not the protocol (e.g. plugin code wrote to the protocol stream).</summary>
    ProtocolViolation,
}

/// <summary>Receives every sandbox violation; the server persists them in the security-event log.</summary>
public interface ISecurityEventSink
{
    /// <summary>Stores <paramref name="violation"/>; called before the failed call returns to its caller.</summary>
    ValueTask RecordAsync(SandboxViolation violation, CancellationToken cancellationToken = default);
}

/// <summary>Keeps violations in memory: for tests and single-process tools.</summary>
public sealed class InMemorySecurityEventSink : ISecurityEventSink
{
    private readonly ConcurrentQueue<SandboxViolation> _violations = new();

    /// <summary>The violations recorded so far, oldest first.</summary>
    public IReadOnlyList<SandboxViolation> Violations => [.. _violations];

    /// <inheritdoc />
    public ValueTask RecordAsync(SandboxViolation violation, CancellationToken cancellationToken = default)
    {
        _violations.Enqueue(violation);
        return ValueTask.CompletedTask;
    }
}
