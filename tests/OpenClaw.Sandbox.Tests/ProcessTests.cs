using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Tests.Infrastructure;

namespace OpenClaw.Sandbox.Tests;

/// <summary>The <c>process</c> permission: without it a seccomp filter refuses fork, clone and exec (a child would get fresh rlimits).</summary>
public sealed class ProcessTests : IAsyncDisposable
{
    private readonly SandboxHarness _sandbox = new();

    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();

    [BwrapFact]
    public async Task StartProcess_WithoutProcessPermission_IsDenied()
    {
        var result = await _sandbox.RunAsync("SpawnPlugin");

        _sandbox.AssertViolation(result, SandboxViolationKind.ProcessDenied, "SpawnPlugin");
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task StartProcess_WithProcessPermission_Works()
    {
        var result = await _sandbox.RunAsync("SpawnPlugin", permissions: PluginPermissions.Process);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal("child says hi", (string?)result.Output["output"]);
        Assert.Empty(_sandbox.Events.Violations);
    }
}
