using System.Diagnostics;

namespace OpenClaw.Deploy.Tests.Infrastructure;

/// <summary>A command-line tool the checks run (nginx, promtool), found on <c>PATH</c> or in the sbin folders.</summary>
internal static class ExternalTool
{
    private static readonly string[] ExtraFolders = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

    /// <summary>The tool's full path, or null when it is not installed.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Concat(ExtraFolders)
        .Select(folder => Path.Combine(folder, name))
        .FirstOrDefault(File.Exists);

    /// <summary>The tool's path; in a test that <see cref="ToolFactAttribute"/> let run, missing means CI lacks the package.</summary>
    public static string Require(string name) =>
        Find(name) ?? throw new InvalidOperationException($"CI=true but '{name}' is not installed (see .ci/run for the Debian packages).");

    /// <summary>Runs the tool to completion and returns its exit code and what it wrote to stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string name, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Require(name))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} {string.Join(' ', start.ArgumentList)} did not finish in time.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
