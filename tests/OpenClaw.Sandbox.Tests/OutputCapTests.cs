using OpenClaw.Sandbox.Tests.Infrastructure;

namespace OpenClaw.Sandbox.Tests;

public sealed class OutputCapTests : IAsyncDisposable
{
    private readonly SandboxHarness _sandbox = new(new SandboxOptions { RunnersPerPlugin = 1, MaxOutputBytes = 1024 * 1024 });

    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();

    [BwrapFact]
    public async Task PrintingWithoutEnd_IsCappedAndKilled()
    {
        var result = await _sandbox.RunAsync("FloodPlugin", timeout: TimeSpan.FromSeconds(60));

        var violation = _sandbox.AssertViolation(result, SandboxViolationKind.OutputLimit, "FloodPlugin");
        Assert.Contains("1048576 bytes", violation.Detail, StringComparison.Ordinal);
        await _sandbox.AssertHealthyAsync();
    }
}
