namespace OpenClaw.Sandbox.Tests.Infrastructure;

/// <summary>
/// A test that needs bubblewrap. Skipped, with the reason shown, where <c>bwrap</c> is missing, except in CI
/// (<c>CI=true</c>), where it must run: CI installs bubblewrap, and a skip there would hide a broken sandbox.
/// </summary>
public sealed class BwrapFactAttribute : FactAttribute
{
    public BwrapFactAttribute()
    {
        if (!SandboxHarness.BubblewrapInstalled && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap";
    }
}
