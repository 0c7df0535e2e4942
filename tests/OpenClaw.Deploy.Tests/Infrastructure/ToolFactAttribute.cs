namespace OpenClaw.Deploy.Tests.Infrastructure;

/// <summary>
/// A test that runs a command-line tool: skipped, with the reason in the report, only when the tool is missing outside
/// CI; with <c>CI=true</c> it runs (and fails if the tool is missing), so CI cannot pass without the check.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        if (InCi) return;
        var missing = tools.Where(tool => ExternalTool.Find(tool) is null).ToList();
        if (missing.Count > 0)
            Skip = $"{string.Join(" and ", missing)} not installed (Debian packages nginx, prometheus); CI=true makes this a failure instead of a skip.";
    }

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
