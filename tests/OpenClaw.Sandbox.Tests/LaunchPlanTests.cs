using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Isolation;

namespace OpenClaw.Sandbox.Tests;

/// <summary>The bubblewrap command line: what the sandbox shares with the host, and what it does not.</summary>
public sealed class LaunchPlanTests
{
    private static readonly RunnerSpec Spec = new("p", "/plugins/p/1.0.0/P.dll", "P.Plugin", Network: false, Processes: false, new PluginResources(256, 10));

    private static IList<string> Arguments(RunnerSpec spec, SandboxOptions? options = null) =>
        new LaunchPlan(options ?? new SandboxOptions(), SandboxIsolation.Bubblewrap, "/usr/bin/bwrap", "/usr/share/dotnet/dotnet", "/app/sandbox-runner/OpenClaw.Sandbox.Runner.dll")
            .CreateStartInfo(spec, hostScratch: null).ArgumentList;

    [Fact]
    public void WithoutNetworkPermission_AllNamespacesAreUnshared()
    {
        var args = Arguments(Spec);

        Assert.Contains("--unshare-all", args);
        Assert.DoesNotContain("--share-net", args);
        Assert.DoesNotContain("/etc/resolv.conf", args);
        Assert.Contains("--die-with-parent", args);
        Assert.Contains("--clearenv", args);
    }

    [Fact]
    public void WithNetworkPermission_TheNetworkIsShared_AndNameResolutionFilesAreBound()
    {
        var args = Arguments(Spec with { Network = true });

        Assert.Contains("--share-net", args);
        Assert.Contains("/etc/resolv.conf", args);
    }

    [Fact]
    public void PluginAndRunnerFolders_AreBoundReadOnly_AndOnlyScratchIsWritable()
    {
        var args = Arguments(Spec, new SandboxOptions { ScratchSizeMb = 32 });

        AssertSequence(args, "--ro-bind", "/plugins/p/1.0.0", LaunchPlan.SandboxPluginDirectory);
        AssertSequence(args, "--ro-bind", "/app/sandbox-runner", LaunchPlan.SandboxRunnerDirectory);
        AssertSequence(args, "--size", (32L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), "--perms", "0700", "--tmpfs", "/scratch");
        Assert.DoesNotContain("--bind", args);
        AssertSequence(args, "--remount-ro", "/");
    }

    [Fact]
    public void Limits_ArePassedToTheRunner_AndTheGcHeapIsCapped()
    {
        var args = Arguments(Spec);

        AssertSequence(args, "--memory-mb", "256");
        AssertSequence(args, "--network", "0");
        AssertSequence(args, "--setenv", "DOTNET_GCHeapHardLimit", "0x10000000");
        AssertSequence(args, "--setenv", "DOTNET_EnableDiagnostics", "0");
    }

    private static void AssertSequence(IList<string> args, params string[] sequence)
    {
        for (var i = 0; i + sequence.Length <= args.Count; i++)
        {
            if (args.Skip(i).Take(sequence.Length).SequenceEqual(sequence)) return;
        }
        Assert.Fail($"Expected '{string.Join(' ', sequence)}' in: {string.Join(' ', args)}");
    }
}
