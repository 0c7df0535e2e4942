using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Sandbox.Isolation;

/// <summary>Finds the runner, the <c>dotnet</c> host and bubblewrap, and checks that bubblewrap can really create a sandbox here.</summary>
internal static class IsolationProbe
{
    public const string RunnerFileName = "OpenClaw.Sandbox.Runner.dll";

    public static LaunchPlan Create(SandboxOptions options, ILogger logger)
    {
        var runnerPath = Path.GetFullPath(options.RunnerPath ?? Path.Combine(AppContext.BaseDirectory, "sandbox-runner", RunnerFileName));
        var dotnetPath = ResolveDotnet(options.DotnetPath);
        var bubblewrap = ResolveBubblewrap(options.BubblewrapPath, out var whyNot);

        SandboxIsolation isolation;
        if (bubblewrap is not null)
        {
            isolation = SandboxIsolation.Bubblewrap;
            logger.LogInformation("Plugin sandbox: bubblewrap at {Bubblewrap}; runner {Runner}", bubblewrap, runnerPath);
        }
        else if (options.AllowWeakIsolation)
        {
            isolation = SandboxIsolation.Weak;
            logger.LogWarning(
                "Plugin sandbox isolation is WEAK: {Reason}. Untrusted plugins run with resource limits, timeouts and output caps " +
                "only; they can read the host's files and use the network. Install bubblewrap (Debian: apt-get install bubblewrap).",
                whyNot);
        }
        else
        {
            isolation = SandboxIsolation.Unavailable;
            logger.LogWarning(
                "Plugin sandbox unavailable: {Reason}. Sandboxed (third-party) plugins will be refused. Install bubblewrap " +
                "(Debian: apt-get install bubblewrap), or set OpenClaw:Sandbox:AllowWeakIsolation=true to accept weak isolation.",
                whyNot);
        }
        return new LaunchPlan(options, isolation, bubblewrap, dotnetPath, runnerPath);
    }

    private static string ResolveDotnet(string? configured)
    {
        var candidate = configured;
        if (candidate is null && Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") candidate = self;
        if (candidate is null && Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root) candidate = Path.Combine(root, "dotnet");
        candidate ??= FindOnPath("dotnet") ?? "dotnet";
        // The sandbox binds the real runtime folder; a symlink such as /usr/bin/dotnet would point outside it.
        return File.Exists(candidate) ? new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(candidate) : candidate;
    }

    private static string? ResolveBubblewrap(string? configured, out string whyNot)
    {
        if (!OperatingSystem.IsLinux())
        {
            whyNot = "bubblewrap needs Linux";
            return null;
        }
        var path = configured ?? FindOnPath("bwrap");
        if (path is null || !File.Exists(path))
        {
            whyNot = configured is null ? "bubblewrap (bwrap) was not found on PATH" : $"bubblewrap was not found at '{configured}'";
            return null;
        }
        // Present is not enough: user namespaces may be disabled (containers, hardened kernels). Try a sandbox like ours.
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(path)
            {
                ArgumentList = { "--unshare-all", "--unshare-user", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--", "true" },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            var error = probe.StandardError.ReadToEnd();
            probe.WaitForExit();
            if (probe.ExitCode != 0)
            {
                whyNot = $"bubblewrap at '{path}' cannot create a sandbox here (exit {probe.ExitCode}: {error.Trim()})";
                return null;
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            whyNot = $"bubblewrap at '{path}' could not be started: {e.Message}";
            return null;
        }
        whyNot = "";
        return path;
    }

    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
