namespace OpenClaw.Plugins.Tests;

/// <summary>
/// Decides whether a test that needs something from the machine (Chromium, an interpreter, a PostgreSQL server) runs.
/// </summary>
/// <remarks>
/// Outside CI a missing requirement skips the test with the reason shown in the test report. In CI (<c>CI=true</c>) the
/// requirement is part of the contract, so the test runs and fails loudly instead of passing silently as skipped.
/// </remarks>
internal static class Requirements
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? SkipUnless(bool available, string reason) => available || InCi ? null : reason;

    public static string? FindOnPath(string program)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public const string ChromiumPath = "/usr/bin/chromium";

    public const string PostgresVariable = "OPENCLAW_TEST_POSTGRES";

    public static string? PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;
}

/// <summary>A test that drives Debian's Chromium; skipped outside CI when it is not installed.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() =>
        Skip = Requirements.SkipUnless(File.Exists(Requirements.ChromiumPath),
            $"{Requirements.ChromiumPath} is missing: install the Debian package 'chromium' to run browser-mode tests (they always run when CI=true)");
}

/// <summary>A test that needs an interpreter on PATH; skipped outside CI when it is missing.</summary>
public sealed class InterpreterFactAttribute : FactAttribute
{
    public InterpreterFactAttribute(string program) =>
        Skip = Requirements.SkipUnless(Requirements.FindOnPath(program) is not null,
            $"'{program}' is not on PATH, so this language cannot be tested here (the test always runs when CI=true)");
}

/// <summary>A test against a live PostgreSQL server named by <c>OPENCLAW_TEST_POSTGRES</c>; skipped outside CI when unset.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() =>
        Skip = Requirements.SkipUnless(Requirements.PostgresConnectionString is not null,
            $"{Requirements.PostgresVariable} is not set: give it a connection string to a throwaway PostgreSQL database to run "
            + "these tests (they always run when CI=true)");
}
