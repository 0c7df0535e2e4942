namespace OpenClaw.Core.Storage;

/// <summary>
/// Announces tasks queued by other processes (PostgreSQL's LISTEN/NOTIFY), so dispatchers can sleep instead of
/// polling. The argument is the earliest due time queued, or <see cref="DateTimeOffset.MinValue"/> for "look once"
/// (sent after a reconnect, when notifications may have been missed).
/// </summary>
public interface IQueueSignal
{
    event Action<DateTimeOffset>? TaskQueued;
}
