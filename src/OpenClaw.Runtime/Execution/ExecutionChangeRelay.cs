using Microsoft.Extensions.Hosting;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Execution;

/// <summary>
/// Relays executions changed by other processes (when the backend announces them, as PostgreSQL does) into this
/// process's <see cref="ExecutionEventHub"/>, so its subscribers (server-sent events) follow steps run elsewhere.
/// </summary>
internal sealed class ExecutionChangeRelay(ExecutionEventHub hub, IEnumerable<IExecutionChangeSignal> signals) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in signals) signal.ExecutionChanged += hub.PublishChangedElsewhere;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in signals) signal.ExecutionChanged -= hub.PublishChangedElsewhere;
        return Task.CompletedTask;
    }
}
