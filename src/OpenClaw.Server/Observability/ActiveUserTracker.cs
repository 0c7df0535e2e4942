using System.Collections.Concurrent;

namespace OpenClaw.Server.Observability;

/// <summary>
/// Remembers when each authenticated user was last seen, for the spec's <c>active_users_total</c>: users active in the
/// last <see cref="Window"/>.
/// </summary>
/// <remarks>
/// Authentication is not built yet, so nothing calls <see cref="Touch"/> and the gauge reads 0; the authentication
/// handler is meant to call it once per authenticated request.
/// </remarks>
internal sealed class ActiveUserTracker(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastSeen = new();

    /// <summary>Records activity of <paramref name="userId"/> now.</summary>
    public void Touch(Guid userId) => _lastSeen[userId] = time.GetUtcNow();

    /// <summary>Users seen within the window; forgets those seen before it.</summary>
    public int CountActive()
    {
        var since = time.GetUtcNow() - Window;
        var active = 0;
        foreach (var (user, seen) in _lastSeen)
        {
            if (seen >= since) active++;
            else _lastSeen.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(user, seen));
        }
        return active;
    }

    public void Write(PrometheusTextWriter writer)
    {
        // Untyped rather than gauge for the same reason as active_connections_total: the spec's name ends in _total.
        writer.Family("active_users_total", "untyped", "Authenticated users active in the last 5 minutes (a gauge; typed untyped only because the spec's name ends in _total).");
        writer.Sample("active_users_total", CountActive());
    }
}
