using OpenClaw.Runtime.Tests.Processes;

namespace OpenClaw.Runtime.Tests.ScaleOut;

/// <summary>Starts one OpenClaw server process in a role against a shared PostgreSQL database, with the test's lease timings.</summary>
internal static class RoleProcess
{
    /// <param name="settings">Extra environment, e.g. <c>OpenClaw__Runtime__LeaseDuration</c>.</param>
    public static ServerProcess Start(string role, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["OpenClaw__Storage"] = "postgres",
            ["OpenClaw__PostgresConnectionString"] = connectionString,
            ["OpenClaw__Role"] = role,
            ["OpenClaw__DataDirectory"] = Path.Combine(Path.GetTempPath(), "openclaw-scaleout", Guid.NewGuid().ToString("N")),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in settings) environment[name] = value;
        return ServerProcess.Start(role, environment);
    }
}
