using System.Globalization;

namespace OpenClaw.Sandbox.Runner;

/// <summary>The limits the host starts a runner with; all applied before any plugin code is loaded.</summary>
/// <param name="MemoryMb">The plugin's memory limit; the host also sets <c>DOTNET_GCHeapHardLimit</c> to it.</param>
/// <param name="RuntimeOverheadMb">Native memory the runtime itself needs on top (code, stacks, GC bookkeeping).</param>
/// <param name="CpuLifetimeSeconds">CPU seconds the process may use in its whole life (the hard <c>RLIMIT_CPU</c>).</param>
/// <param name="MaxOpenFiles">The <c>RLIMIT_NOFILE</c>.</param>
/// <param name="MaxFileSizeMb">The largest file the plugin may write (<c>RLIMIT_FSIZE</c>).</param>
/// <param name="Network">Whether the plugin holds the <c>network</c> permission (socket errors are violations otherwise).</param>
/// <param name="Processes">Whether the plugin holds the <c>process</c> permission (otherwise process creation is filtered out).</param>
/// <param name="Scratch">The plugin's private writable folder, emptied after every call; null to leave files alone.</param>
internal sealed record RunnerArguments(
    int MemoryMb, int RuntimeOverheadMb, int CpuLifetimeSeconds, int MaxOpenFiles, int MaxFileSizeMb, bool Network, bool Processes, string? Scratch)
{
    public static RunnerArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            values[args[i][2..]] = args[i + 1];
        }
        if (args.Length % 2 != 0) throw new ArgumentException($"Option '{args[^1]}' has no value.");

        int Int(string name, int fallback) =>
            values.TryGetValue(name, out var text) ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;

        return new RunnerArguments(
            Int("memory-mb", 512), Int("runtime-overhead-mb", 256), Int("cpu-lifetime", 120), Int("nofile", 256),
            Int("fsize-mb", 64), values.GetValueOrDefault("network") == "1", values.GetValueOrDefault("process") == "1",
            values.GetValueOrDefault("scratch"));
    }
}
