using OpenClaw.Sandbox;

namespace OpenClaw.Server.Plugins;

/// <summary>
/// The server's <see cref="ISecurityEventSink"/>: keeps the most recent sandbox violations in memory (for
/// <c>GET /security/events</c>) and writes each as a structured warning with the violation's fields.
/// </summary>
/// <remarks>
/// For now the log line is the durable record: violations kept here are lost on restart, and only the newest
/// <see cref="Capacity"/> are kept. Persisting them to the database arrives with the audit work.
/// </remarks>
internal sealed class SecurityEventLog(ILogger<SecurityEventLog> logger) : ISecurityEventSink
{
    public const int Capacity = 1000;

    private readonly Queue<SandboxViolation> _recent = new(Capacity);
    private readonly Lock _lock = new();

    /// <summary>The violations kept, newest first.</summary>
    public IReadOnlyList<SandboxViolation> Recent(int limit)
    {
        lock (_lock) return _recent.Reverse().Take(limit).ToList();
    }

    public ValueTask RecordAsync(SandboxViolation violation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(violation);
        lock (_lock)
        {
            if (_recent.Count == Capacity) _recent.Dequeue();
            _recent.Enqueue(violation);
        }
        logger.LogWarning(
            "Sandbox violation {ViolationKind} by plugin {Plugin} (execution {ExecutionId}, step {StepId}) at {ViolationTime}: {Detail}",
            violation.Kind, violation.Plugin, violation.ExecutionId, violation.StepId, violation.Time, violation.Detail);
        return ValueTask.CompletedTask;
    }
}
