using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Tests.Infrastructure;

namespace OpenClaw.Sandbox.Tests;

/// <summary>Runaway plugins: the kernel's CPU-time limit and the host's wall-clock timeout.</summary>
public sealed class CpuAndTimeoutTests : IAsyncDisposable
{
    private readonly SandboxHarness _sandbox = new();

    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();

    [BwrapFact]
    public async Task InfiniteLoop_PastItsCpuLimit_IsKilledByTheKernel()
    {
        var result = await _sandbox.RunAsync("SpinPlugin", resources: new PluginResources(MemoryMb: 128, CpuTimeSeconds: 1), timeout: TimeSpan.FromSeconds(60));

        _sandbox.AssertViolation(result, SandboxViolationKind.CpuLimit, "SpinPlugin");
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task InfiniteLoop_PastTheWallClockTimeout_IsKilledByTheHost()
    {
        var result = await _sandbox.RunAsync("SpinPlugin", timeout: TimeSpan.FromSeconds(2));

        var violation = _sandbox.AssertViolation(result, SandboxViolationKind.Timeout, "SpinPlugin");
        Assert.Contains("2 s", violation.Detail, StringComparison.Ordinal);
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task BlockedCall_PastTheWallClockTimeout_IsKilledByTheHost()
    {
        var result = await _sandbox.RunAsync("HangPlugin", timeout: TimeSpan.FromSeconds(2));

        _sandbox.AssertViolation(result, SandboxViolationKind.Timeout, "HangPlugin");
        await _sandbox.AssertHealthyAsync();
    }
}
