namespace OpenClaw.Core.Caching;

/// <summary>
/// Carries cache invalidations between nodes whose caches are each in process (PostgreSQL's NOTIFY): a key removed on
/// one node is removed on all. Not needed with a shared cache server (Redis).
/// </summary>
public interface ICacheInvalidationBus
{
    /// <summary>Tells every node (this one included) to drop <paramref name="key"/>.</summary>
    Task PublishAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>A key to drop; <see cref="AllKeys"/> when invalidations may have been missed (after a reconnect).</summary>
    event Action<string>? Invalidated;

    /// <summary>Drop everything.</summary>
    public const string AllKeys = "*";
}
