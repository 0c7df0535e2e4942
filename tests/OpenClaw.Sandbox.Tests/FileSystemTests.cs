using System.Text.Json.Nodes;
using OpenClaw.Sandbox.Tests.Infrastructure;

namespace OpenClaw.Sandbox.Tests;

/// <summary>The plugin sees the system read-only; its only writable place is a private scratch folder, emptied after each call.</summary>
public sealed class FileSystemTests : IAsyncDisposable
{
    private readonly SandboxHarness _sandbox = new();

    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();

    [BwrapFact]
    public async Task Write_InTmp_IsDenied()
    {
        var name = $"openclaw-sandbox-test-{Guid.NewGuid():N}.txt";

        var result = await _sandbox.RunAsync("WriteFilePlugin", new JsonObject { ["path"] = "/tmp/" + name });

        var violation = _sandbox.AssertViolation(result, SandboxViolationKind.FileSystemDenied, "WriteFilePlugin");
        Assert.Contains("/tmp/" + name, violation.Detail, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), name)));
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task Write_InThePluginFolder_IsDenied()
    {
        var before = File.ReadAllBytes(SandboxHarness.PluginAssembly);

        var result = await _sandbox.RunAsync("WriteFilePlugin", new JsonObject { ["path"] = "/opt/openclaw/plugin/OpenClaw.Sandbox.TestPlugins.dll" });

        _sandbox.AssertViolation(result, SandboxViolationKind.FileSystemDenied, "WriteFilePlugin");
        Assert.Equal(before, File.ReadAllBytes(SandboxHarness.PluginAssembly));
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task Write_ToTheHostPathOfThePluginFolder_IsDenied()
    {
        var target = Path.Combine(Path.GetDirectoryName(SandboxHarness.PluginAssembly)!, $"dropped-{Guid.NewGuid():N}.txt");

        var result = await _sandbox.RunAsync("WriteFilePlugin", new JsonObject { ["path"] = target });

        Assert.False(result.Succeeded);
        Assert.False(File.Exists(target), "The host's plugin folder must not be reachable from the sandbox.");
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task Write_InScratch_Works_AndScratchIsEmptiedBetweenCalls()
    {
        var first = await _sandbox.RunAsync("WriteFilePlugin", new JsonObject { ["path"] = "out.txt" });
        var second = await _sandbox.RunAsync("WriteFilePlugin", new JsonObject { ["path"] = "/scratch/other.txt" });

        Assert.True(first.Succeeded, first.Failure?.Message);
        Assert.Equal("/scratch/out.txt", (string?)first.Output["path"]);
        Assert.Equal("written by a plugin", (string?)first.Output["content"]);
        Assert.True(second.Succeeded, second.Failure?.Message);
        Assert.Equal(1, (int?)second.Output["entries"]);
        Assert.Empty(_sandbox.Events.Violations);
    }

    [BwrapFact]
    public async Task Write_PastTheFileSizeLimit_IsKilled()
    {
        await using var sandbox = new SandboxHarness(new SandboxOptions { RunnersPerPlugin = 1, MaxFileSizeMb = 1 });

        var result = await sandbox.RunAsync("WriteFilePlugin", new JsonObject { ["path"] = "big.bin", ["bytes"] = 4 * 1024 * 1024 });

        sandbox.AssertViolation(result, SandboxViolationKind.FileSizeLimit, "WriteFilePlugin");
        await sandbox.AssertHealthyAsync();
    }
}
