using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Tests.Infrastructure;

namespace OpenClaw.Sandbox.Tests;

/// <summary>
/// Memory: the GC heap hard limit stops managed allocations, RLIMIT_DATA native ones; either way the runner ends (even when
/// the plugin catches the OutOfMemoryException) and the host records the violation.
/// </summary>
public sealed class MemoryTests : IAsyncDisposable
{
    private static readonly PluginResources Small = new(MemoryMb: 64, CpuTimeSeconds: 30);
    private readonly SandboxHarness _sandbox = new();

    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();

    [BwrapFact]
    public async Task ManagedAllocation_PastTheLimit_IsKilled()
    {
        var result = await _sandbox.RunAsync("AllocatePlugin", new JsonObject { ["mode"] = "managed" }, Small);

        _sandbox.AssertViolation(result, SandboxViolationKind.MemoryLimit, "AllocatePlugin");
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task NativeAllocation_PastTheLimit_IsKilled()
    {
        var result = await _sandbox.RunAsync("AllocatePlugin", new JsonObject { ["mode"] = "native" }, Small);

        _sandbox.AssertViolation(result, SandboxViolationKind.MemoryLimit, "AllocatePlugin");
        await _sandbox.AssertHealthyAsync();
    }
}
