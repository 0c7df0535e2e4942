namespace OpenClaw.Core.Storage;

/// <summary>
/// Announces executions changed by other processes (PostgreSQL's LISTEN/NOTIFY), so live views (server-sent events) on
/// an API node follow steps that run on worker nodes. The argument is the execution's id, or <see cref="Guid.Empty"/>
/// for "anything may have changed" (sent after a reconnect, when notifications may have been missed). Readers load
/// the rows themselves: the signal carries no state.
/// </summary>
public interface IExecutionChangeSignal
{
    event Action<Guid>? ExecutionChanged;
}
