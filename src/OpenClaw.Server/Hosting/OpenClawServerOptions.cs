using System.ComponentModel.DataAnnotations;

namespace OpenClaw.Server.Hosting;

/// <summary>Server settings (configuration section <c>OpenClaw</c>; environment variables <c>OpenClaw__DataDirectory</c> etc.).</summary>
public sealed class OpenClawServerOptions
{
    /// <summary>Where the embedded database and local files live. Created on start.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Steps run at once by this process.</summary>
    [Range(1, 10_000)]
    public int WorkerConcurrency { get; set; } = 64;

    /// <summary>Largest accepted request body, in bytes.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Environment variables workflows may read as <c>env.NAME</c>.</summary>
    public string[] ExposedEnvironmentVariables { get; set; } = [];

    /// <summary><c>FULL</c> (default: a committed step survives power loss) or <c>NORMAL</c> (survives a process crash only; faster).</summary>
    [RegularExpression("^(FULL|NORMAL)$")]
    public string SqliteSynchronous { get; set; } = "FULL";
}
