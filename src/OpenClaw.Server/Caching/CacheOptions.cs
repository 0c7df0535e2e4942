using System.ComponentModel.DataAnnotations;

namespace OpenClaw.Server.Caching;

/// <summary>Cache settings (section <c>OpenClaw:Cache</c>).</summary>
public sealed class CacheOptions
{
    /// <summary>
    /// A Redis server shared by every node (<c>host:port</c> or <c>redis://[:password@]host:port/db</c>); unset keeps the
    /// cache in process (invalidated across nodes by PostgreSQL NOTIFY when several nodes share a database). With Redis,
    /// rate limits and daily execution quotas are also counted over all nodes together.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Most entries the in-process cache holds.</summary>
    [Range(100, 10_000_000)]
    public int MaxEntries { get; set; } = 10_000;
}
