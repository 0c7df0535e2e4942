using System.Collections.Concurrent;
using System.Threading.Channels;

namespace OpenClaw.Runtime.Execution;

/// <summary>
/// Fans committed execution events out to subscribers (the CLI's live view, server-sent events). Slow subscribers
/// lose the oldest events rather than slowing the engine.
/// </summary>
public sealed class ExecutionEventHub
{
    private readonly ConcurrentDictionary<Guid, Subscription> _subscriptions = new();

    /// <summary>Whether anyone listens; lets the coordinator skip building events.</summary>
    internal bool HasSubscribers => !_subscriptions.IsEmpty;

    /// <summary>How many subscriptions are open (live streams release theirs when the client goes away).</summary>
    public int SubscriberCount => _subscriptions.Count;

    /// <summary>Subscribes to events of one execution (or of all, with <paramref name="executionId"/> null). Dispose to stop.</summary>
    public Subscription Subscribe(Guid? executionId = null, int capacity = 1024)
    {
        var subscription = new Subscription(this, executionId, capacity);
        _subscriptions[subscription.Id] = subscription;
        return subscription;
    }

    /// <summary>Relays a change another process committed (see <see cref="OpenClaw.Core.Storage.IExecutionChangeSignal"/>).</summary>
    public void PublishChangedElsewhere(Guid executionId)
    {
        if (HasSubscribers) Publish(new ExecutionChangedElsewhereEvent(executionId));
    }

    internal void Publish(ExecutionEvent @event)
    {
        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription.ExecutionId is null || subscription.ExecutionId == @event.ExecutionId || @event.ExecutionId == Guid.Empty)
                subscription.Writer.TryWrite(@event);
        }
    }

    /// <summary>One subscriber's stream of events.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly ExecutionEventHub _hub;
        private readonly Channel<ExecutionEvent> _channel;

        internal Subscription(ExecutionEventHub hub, Guid? executionId, int capacity)
        {
            _hub = hub;
            ExecutionId = executionId;
            _channel = Channel.CreateBounded<ExecutionEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        }

        internal Guid Id { get; } = Guid.NewGuid();

        internal Guid? ExecutionId { get; }

        internal ChannelWriter<ExecutionEvent> Writer => _channel.Writer;

        public ChannelReader<ExecutionEvent> Reader => _channel.Reader;

        public void Dispose()
        {
            _hub._subscriptions.TryRemove(Id, out _);
            _channel.Writer.TryComplete();
        }
    }
}
