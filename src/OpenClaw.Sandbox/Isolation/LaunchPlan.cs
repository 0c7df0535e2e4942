using System.Diagnostics;
using System.Globalization;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sandbox.Isolation;

/// <summary>What one runner process is for: the plugin, whether it has the network, and its limits. Equal specs share a pool.</summary>
internal sealed record RunnerSpec(string PluginName, string AssemblyPath, string TypeName, bool Network, bool Processes, PluginResources Resources)
{
    public string PluginDirectory => Path.GetDirectoryName(AssemblyPath)!;
}

/// <summary>
/// Builds the command line of a runner: <c>bwrap … -- dotnet runner.dll …</c> under bubblewrap, or <c>dotnet runner.dll …</c>
/// in the weak mode. The runner applies the rlimits itself before it loads plugin code.
/// </summary>
internal sealed class LaunchPlan
{
    public const string SandboxRunnerDirectory = "/opt/openclaw/runner";
    public const string SandboxPluginDirectory = "/opt/openclaw/plugin";
    public const string SandboxScratch = "/scratch";

    /// <summary>nobody: inside the sandbox the plugin owns nothing on the host.</summary>
    private const string SandboxUid = "65534";

    private readonly SandboxOptions _options;

    public LaunchPlan(SandboxOptions options, SandboxIsolation isolation, string? bubblewrapPath, string dotnetPath, string runnerPath)
    {
        _options = options;
        Isolation = isolation;
        BubblewrapPath = bubblewrapPath;
        DotnetPath = dotnetPath;
        RunnerPath = runnerPath;
    }

    public SandboxIsolation Isolation { get; }
    public string? BubblewrapPath { get; }
    public string DotnetPath { get; }
    public string RunnerPath { get; }
    public string DotnetRoot => Path.GetDirectoryName(DotnetPath)!;

    /// <summary>The plugin assembly's path as the runner sees it.</summary>
    public string AssemblyPathInside(RunnerSpec spec) =>
        Isolation == SandboxIsolation.Bubblewrap ? SandboxPluginDirectory + "/" + Path.GetFileName(spec.AssemblyPath) : spec.AssemblyPath;

    /// <summary>The start info for one runner. <paramref name="hostScratch"/> is its scratch folder in the weak mode.</summary>
    public ProcessStartInfo CreateStartInfo(RunnerSpec spec, string? hostScratch)
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";

        if (Isolation == SandboxIsolation.Bubblewrap)
        {
            start.FileName = BubblewrapPath!;
            AddBubblewrapArguments(start.ArgumentList, spec);
            start.ArgumentList.Add(DotnetPath);
            start.ArgumentList.Add(SandboxRunnerDirectory + "/" + Path.GetFileName(RunnerPath));
            AddRunnerArguments(start.ArgumentList, spec, SandboxScratch);
        }
        else
        {
            var scratch = hostScratch ?? throw new ArgumentNullException(nameof(hostScratch));
            start.FileName = DotnetPath;
            start.WorkingDirectory = scratch;
            foreach (var (name, value) in RunnerEnvironment(spec, scratch)) start.Environment[name] = value;
            start.ArgumentList.Add(RunnerPath);
            AddRunnerArguments(start.ArgumentList, spec, scratch);
        }
        return start;
    }

    private void AddBubblewrapArguments(IList<string> args, RunnerSpec spec)
    {
        // Namespaces: user, pid, ipc, uts, cgroup and network; the network namespace has only a loopback device of its own.
        args.Add("--unshare-all");
        if (spec.Network) args.Add("--share-net");
        Add(args, "--unshare-user", "--uid", SandboxUid, "--gid", SandboxUid, "--disable-userns");
        Add(args, "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv");
        foreach (var (name, value) in RunnerEnvironment(spec, SandboxScratch)) Add(args, "--setenv", name, value);

        // A read-only view of what the runtime needs and nothing else: no /home, /root, /work, /var or the host's /tmp.
        Add(args, "--ro-bind", "/usr", "/usr");
        foreach (var top in new[] { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" })
        {
            var info = new FileInfo(top);
            if (info.LinkTarget is { } target) Add(args, "--symlink", target, top);
            else if (Directory.Exists(top)) Add(args, "--ro-bind", top, top);
        }
        if (!IsUnder(DotnetRoot, "/usr")) Add(args, "--ro-bind", DotnetRoot, DotnetRoot);
        Add(args, "--ro-bind-try", "/etc/ssl", "/etc/ssl", "--ro-bind-try", "/etc/ca-certificates", "/etc/ca-certificates");
        if (spec.Network)
        {
            foreach (var file in new[] { "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/host.conf" })
                Add(args, "--ro-bind-try", file, file);
        }
        Add(args, "--ro-bind", Path.GetDirectoryName(RunnerPath)!, SandboxRunnerDirectory);
        Add(args, "--ro-bind", spec.PluginDirectory, SandboxPluginDirectory);

        // The only writable place: a size-limited tmpfs, gone with the sandbox. /tmp exists but is read-only, so a write
        // there fails with EROFS (reported as a violation) rather than "no such directory".
        Add(args, "--size", (_options.ScratchSizeMb * 1024L * 1024L).ToString(CultureInfo.InvariantCulture), "--perms", "0700", "--tmpfs", SandboxScratch);
        Add(args, "--tmpfs", "/tmp", "--remount-ro", "/tmp");
        Add(args, "--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev");
        Add(args, "--chdir", SandboxScratch, "--remount-ro", "/");
        args.Add("--");
    }

    private void AddRunnerArguments(IList<string> args, RunnerSpec spec, string scratch)
    {
        var cpuLifetime = Math.Max(_options.RunnerCpuLifetimeSeconds, 2 * spec.Resources.CpuTimeSeconds + 5);
        Add(args,
            "--memory-mb", Invariant(spec.Resources.MemoryMb),
            "--runtime-overhead-mb", Invariant(_options.RuntimeOverheadMb),
            "--cpu-lifetime", Invariant(cpuLifetime),
            "--nofile", Invariant(_options.MaxOpenFiles),
            "--fsize-mb", Invariant(_options.MaxFileSizeMb),
            "--network", spec.Network ? "1" : "0",
            "--process", spec.Processes ? "1" : "0",
            "--scratch", scratch);
    }

    /// <summary>The runner's whole environment; nothing of the host's leaks in.</summary>
    private static IEnumerable<(string Name, string Value)> RunnerEnvironment(RunnerSpec spec, string scratch)
    {
        yield return ("PATH", "/usr/local/bin:/usr/bin:/bin");
        yield return ("HOME", scratch);
        yield return ("TMPDIR", scratch);
        // The managed heap's limit: allocations past it throw OutOfMemoryException, which ends the runner (exit code 86).
        yield return ("DOTNET_GCHeapHardLimit", "0x" + ((long)spec.Resources.MemoryMb * 1024 * 1024).ToString("X", CultureInfo.InvariantCulture));
        yield return ("DOTNET_gcServer", "0");
        // No debugger, profiler or diagnostics IPC endpoint inside the sandbox.
        yield return ("DOTNET_EnableDiagnostics", "0");
        yield return ("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        yield return ("DOTNET_NOLOGO", "1");
        // glibc reserves 64 MB of address space per malloc arena; few arenas keep RLIMIT_AS meaningful.
        yield return ("MALLOC_ARENA_MAX", "2");
    }

    private static bool IsUnder(string path, string root) =>
        path.Equals(root, StringComparison.Ordinal) || path.StartsWith(root + "/", StringComparison.Ordinal);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Add(IList<string> args, params string[] values)
    {
        foreach (var value in values) args.Add(value);
    }
}
