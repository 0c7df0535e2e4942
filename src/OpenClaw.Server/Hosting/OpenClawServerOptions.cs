using System.ComponentModel.DataAnnotations;

namespace OpenClaw.Server.Hosting;

/// <summary>Server settings (configuration section <c>OpenClaw</c>; environment variables <c>OpenClaw__DataDirectory</c> etc.).</summary>
public sealed class OpenClawServerOptions
{
    /// <summary>Where the embedded database and local files live. Created on start.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary><c>sqlite</c> (embedded, one process, the default) or <c>postgres</c> (many processes, scale-out).</summary>
    [RegularExpression("^(sqlite|postgres)$")]
    public string Storage { get; set; } = "sqlite";

    /// <summary>The PostgreSQL connection string when <see cref="Storage"/> is <c>postgres</c>; <c>ConnectionStrings:OpenClaw</c> also works.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// What this process does: <c>all</c> (default), <c>api</c> (HTTP API; commits starts and cancels, runs no steps),
    /// <c>worker</c> (runs steps, requeues those of dead workers; health endpoints only) or <c>scheduler</c> (requeues
    /// dead workers' steps; health endpoints only). Roles other than <c>all</c> need PostgreSQL.
    /// </summary>
    [RegularExpression("^(all|api|worker|scheduler)$")]
    public string Role { get; set; } = "all";

    /// <summary>Whether this process serves the REST API.</summary>
    public bool ServesApi => Role is "all" or "api";

    /// <summary>The date API v1 stops being served, announced on every v1 answer in <c>X-API-Sunset</c>.</summary>
    public DateTimeOffset ApiV1Sunset { get; set; } = new(2027, 6, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Steps run at once by this process.</summary>
    [Range(1, 10_000)]
    public int WorkerConcurrency { get; set; } = 64;

    /// <summary>
    /// Lease and polling timings of the durable executor (section <c>OpenClaw:Runtime</c>, e.g.
    /// <c>OpenClaw__Runtime__LeaseDuration=00:00:05</c>); unset ones keep the runtime's defaults.
    /// </summary>
    public OpenClawRuntimeTimings Runtime { get; set; } = new();

    /// <summary>Largest accepted request body, in bytes.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Third-party plugin settings (section <c>OpenClaw:Plugins</c>).</summary>
    public OpenClawPluginSettings Plugins { get; set; } = new();

    /// <summary>Environment variables workflows may read as <c>env.NAME</c>.</summary>
    public string[] ExposedEnvironmentVariables { get; set; } = [];

    /// <summary><c>FULL</c> (default: a committed step survives power loss) or <c>NORMAL</c> (survives a process crash only; faster).</summary>
    [RegularExpression("^(FULL|NORMAL)$")]
    public string SqliteSynchronous { get; set; } = "FULL";
}

/// <summary>Settings of the plugin registry the server hosts.</summary>
public sealed class OpenClawPluginSettings
{
    /// <summary>Largest plugin package (zip) accepted by upload or download, in bytes (at least 1024); null keeps the registry's 64 MB.</summary>
    public long? MaxPackageBytes { get; set; }
}

/// <summary>Optional overrides of <c>OpenClaw.Runtime.RuntimeOptions</c> timings; null keeps the runtime's default.</summary>
public sealed class OpenClawRuntimeTimings
{
    /// <summary>How long a claimed task stays a worker's without a heartbeat (default 30 s).</summary>
    public TimeSpan? LeaseDuration { get; set; }

    /// <summary>How often held leases are renewed (default 10 s); must be shorter than the lease.</summary>
    public TimeSpan? LeaseRenewInterval { get; set; }

    /// <summary>How often expired leases of dead workers are looked for (default 5 s).</summary>
    public TimeSpan? ReaperInterval { get; set; }

    /// <summary>The longest a dispatcher sleeps without checking the queue (default 5 s).</summary>
    public TimeSpan? SafetyPollInterval { get; set; }
}
