using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OpenClaw.Server.Security;

/// <summary>
/// Failed logins per client address, in memory: after <see cref="AuthOptions.MaxFailedLoginsPerAddress"/> failures within
/// <see cref="AuthOptions.LockoutDuration"/> the address is refused (429) until the oldest failure ages out. Per node:
/// with several API nodes an address gets that many tries on each (the per-user lockout is in the database, shared).
/// </summary>
internal sealed class LoginThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new();

    /// <summary>How long <paramref name="address"/> must wait, or null when it may try.</summary>
    public TimeSpan? RetryAfter(string address)
    {
        if (!_failures.TryGetValue(address, out var queue)) return null;
        lock (queue)
        {
            var now = time.GetUtcNow();
            Expire(queue, now);
            if (queue.Count < options.Value.MaxFailedLoginsPerAddress) return null;
            return queue.Peek() + options.Value.LockoutDuration - now;
        }
    }

    public void Failed(string address)
    {
        if (_failures.Count > 100_000) _failures.Clear(); // Bounded memory under a spray from many addresses.
        var queue = _failures.GetOrAdd(address, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            var now = time.GetUtcNow();
            Expire(queue, now);
            queue.Enqueue(now);
        }
    }

    public void Succeeded(string address) => _failures.TryRemove(address, out _);

    private void Expire(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek() + options.Value.LockoutDuration <= now) queue.Dequeue();
    }
}
