using OpenClaw.Runtime;

namespace OpenClaw.Server.Notifications;

/// <summary>Wakes the evaluator (an execution finished here) and the dispatcher (deliveries were queued).</summary>
internal sealed class NotificationSignal : IDisposable
{
    public AsyncSignal Evaluate { get; } = new();

    public AsyncSignal Deliver { get; } = new();

    public void Dispose()
    {
        Evaluate.Dispose();
        Deliver.Dispose();
    }
}
