namespace OpenClaw.Core.Storage;

/// <summary>
/// Announces scheduler changes made by other processes (PostgreSQL's LISTEN/NOTIFY): <c>queues</c> when a queue was
/// paused or resumed, <c>schedules</c> when a schedule changed, <c>reconnect</c> after notifications may have been missed.
/// </summary>
public interface ISchedulerSignal
{
    event Action<string>? Changed;
}
