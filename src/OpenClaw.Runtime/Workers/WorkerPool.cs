using System.Collections.Concurrent;
using System.Threading.Channels;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Workers;

/// <summary>
/// This process's workers: a fixed number of loops taking claimed tasks from an in-memory channel. Capacity is
/// reserved before a task is claimed, so the process never holds leases on more tasks than it can run soon.
/// </summary>
public sealed class WorkerPool
{
    private readonly Channel<ClaimedTask> _tasks = Channel.CreateUnbounded<ClaimedTask>();
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();
    private readonly ConcurrentDictionary<Guid, byte> _held = new();
    private readonly int _capacity;
    private int _reserved;

    public WorkerPool(RuntimeOptions options) => _capacity = options.WorkerConcurrency;

    /// <summary>Task slots not yet reserved.</summary>
    public int Available => Math.Max(0, _capacity - Volatile.Read(ref _reserved));

    /// <summary>Tasks reserved, queued in memory or running.</summary>
    public int Busy => Volatile.Read(ref _reserved);

    /// <summary>Reserves one slot; false when full.</summary>
    internal bool TryReserve()
    {
        while (true)
        {
            int current = Volatile.Read(ref _reserved);
            if (current >= _capacity) return false;
            if (Interlocked.CompareExchange(ref _reserved, current + 1, current) == current) return true;
        }
    }

    /// <summary>Reserves up to <paramref name="count"/> slots; returns how many.</summary>
    internal int Reserve(int count)
    {
        int got = 0;
        while (got < count && TryReserve()) got++;
        return got;
    }

    internal void Release(int count = 1) => Interlocked.Add(ref _reserved, -count);

    /// <summary>Hands a claimed task (whose slot is reserved) to the workers; its lease is held from now on.</summary>
    internal void Enqueue(ClaimedTask task)
    {
        _held[task.Step.Id] = 0;
        _tasks.Writer.TryWrite(task);
    }

    internal ChannelReader<ClaimedTask> Reader => _tasks.Reader;

    internal void CompleteAdding() => _tasks.Writer.TryComplete();

    /// <summary>
    /// Tasks whose lease this process holds: from hand-over to a worker until their result has committed (or was given
    /// up). A result waiting in a busy coordinator's backlog stays leased, so its step is not rerun by another node.
    /// </summary>
    internal ICollection<Guid> HeldTaskIds => _held.Keys;

    /// <summary>The task's result committed, or the task was abandoned: stop renewing its lease.</summary>
    internal void LetGo(Guid taskId) => _held.TryRemove(taskId, out _);

    internal void Register(Guid taskId, CancellationTokenSource cancellation) => _running[taskId] = cancellation;

    internal void Unregister(Guid taskId) => _running.TryRemove(taskId, out _);

    /// <summary>Stops a running task (cancelled execution, lost lease); its result will be discarded.</summary>
    internal void Cancel(Guid taskId)
    {
        if (_running.TryGetValue(taskId, out var cancellation))
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Finished meanwhile.
            }
        }
    }
}
