using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Tests.Infrastructure;

namespace OpenClaw.Sandbox.Tests;

/// <summary>Without bubblewrap: refused by default; with AllowWeakIsolation, resource limits, timeouts and output caps still hold.</summary>
public sealed class WeakIsolationTests
{
    private const string NoBubblewrap = "/nonexistent/bwrap";

    [Fact]
    public async Task WithoutBubblewrap_UntrustedCodeIsRefused_AndAWarningIsLogged()
    {
        await using var sandbox = new SandboxHarness(new SandboxOptions { BubblewrapPath = NoBubblewrap });

        var result = await sandbox.RunAsync("EchoPlugin");

        Assert.Equal(SandboxIsolation.Unavailable, sandbox.Invoker.Isolation);
        Assert.Equal(SandboxFailureKind.IsolationUnavailable, result.Failure?.Kind);
        Assert.False(result.Failure!.Retryable);
        Assert.Contains(sandbox.Log, line => line.StartsWith("Warning: Plugin sandbox unavailable", StringComparison.Ordinal));
        await Assert.ThrowsAsync<PluginException>(() => sandbox.Invoker.WarmUpAsync(SandboxHarness.Plugin("EchoPlugin")));
    }

    [Fact]
    public async Task WeakIsolation_WhenAllowed_RunsPlugins_AndWarnsAtStartup()
    {
        await using var sandbox = new SandboxHarness(new SandboxOptions { BubblewrapPath = NoBubblewrap, AllowWeakIsolation = true, RunnersPerPlugin = 1 });

        var result = await sandbox.RunAsync("EchoPlugin", new JsonObject { ["x"] = 1 });

        Assert.Equal(SandboxIsolation.Weak, sandbox.Invoker.Isolation);
        Assert.Contains(sandbox.Log, line => line.StartsWith("Warning: Plugin sandbox isolation is WEAK", StringComparison.Ordinal));
        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal(1, (int?)result.Output["inputs"]?["x"]);
        Assert.Contains("openclaw-sandbox", (string?)result.Output["workingDirectory"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeakIsolation_StillEnforcesCpuMemoryAndOutputLimits()
    {
        await using var sandbox = new SandboxHarness(new SandboxOptions
        {
            BubblewrapPath = NoBubblewrap, AllowWeakIsolation = true, RunnersPerPlugin = 1, MaxOutputBytes = 256 * 1024,
        });

        var spin = await sandbox.RunAsync("SpinPlugin", resources: new PluginResources(128, 1), timeout: TimeSpan.FromSeconds(60));
        var allocate = await sandbox.RunAsync("AllocatePlugin", new JsonObject { ["mode"] = "managed" }, new PluginResources(64, 30));
        var flood = await sandbox.RunAsync("FloodPlugin");

        Assert.Equal(SandboxViolationKind.CpuLimit, spin.Failure?.Violation?.Kind);
        Assert.Equal(SandboxViolationKind.MemoryLimit, allocate.Failure?.Violation?.Kind);
        Assert.Equal(SandboxViolationKind.OutputLimit, flood.Failure?.Violation?.Kind);
        Assert.Equal(3, sandbox.Events.Violations.Count);
        await sandbox.AssertHealthyAsync();
    }
}
