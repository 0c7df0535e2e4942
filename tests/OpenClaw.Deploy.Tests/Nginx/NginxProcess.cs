using System.Diagnostics;
using System.Net.Sockets;
using OpenClaw.Deploy.Tests.Infrastructure;
using OpenClaw.Runtime.Tests.Processes;

namespace OpenClaw.Deploy.Tests.Nginx;

/// <summary>nginx in the foreground (<c>daemon off</c>) with a rendered configuration, listening on a loopback port.</summary>
/// <remarks>Disposing stops it (SIGKILL of the master; its workers exit when the master is gone) and deletes its folder.</remarks>
internal sealed class NginxProcess : IDisposable
{
    private readonly Process _process;

    private NginxProcess(Process process, string folder, int port)
    {
        _process = process;
        Folder = folder;
        Port = port;
    }

    public string Folder { get; }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Renders the shipped configuration for <paramref name="apiPorts"/>, checks it with <c>nginx -t</c> and starts nginx.</summary>
    public static async Task<NginxProcess> StartAsync(IReadOnlyList<int> apiPorts, string? webhookRate = null)
    {
        var folder = Directory.CreateTempSubdirectory("deploy-nginx-").FullName;
        var port = ServerProcess.FreePort();
        var main = NginxConfig.WriteAll(folder, NginxConfig.Render(apiPorts, port, folder, webhookRate));
        var (exit, output) = await ExternalTool.RunAsync("nginx", ["-t", "-q", "-p", folder, "-e", Path.Combine(folder, "error.log"), "-c", main]);
        if (exit != 0) throw new InvalidOperationException($"nginx -t rejected the rendered configuration:\n{output}\n{File.ReadAllText(Path.Combine(folder, "openclaw.conf"))}");

        // nginx writes everything to the error log in the folder (-e), nothing to stdout.
        var start = new ProcessStartInfo(ExternalTool.Require("nginx")) { UseShellExecute = false };
        foreach (var argument in new[] { "-p", folder, "-e", Path.Combine(folder, "error.log"), "-c", main }) start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        var nginx = new NginxProcess(process, folder, port);
        try
        {
            await nginx.WaitUntilListeningAsync(TimeSpan.FromSeconds(20));
            return nginx;
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
    }

    /// <summary>nginx's error log so far (for failure messages).</summary>
    public string ErrorLog
    {
        get
        {
            var path = Path.Combine(Folder, "error.log");
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
    }

    /// <summary>Requests the access log shows per upstream address (<c>upstream=</c> in the shipped log format).</summary>
    public Dictionary<string, int> RequestsPerUpstream()
    {
        var path = Path.Combine(Folder, "access.log");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!File.Exists(path)) return counts;
        foreach (var line in File.ReadLines(path))
        {
            var at = line.IndexOf(" upstream=", StringComparison.Ordinal);
            if (at < 0) continue;
            // A retried request lists every address it tried ("a, b"); the last one answered.
            var field = line[(at + 10)..line.IndexOf(' ', at + 10)];
            var answered = field.Split(',', StringSplitOptions.TrimEntries)[^1];
            counts[answered] = counts.GetValueOrDefault(answered) + 1;
        }
        return counts;
    }

    private async Task WaitUntilListeningAsync(TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {ErrorLog}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(20);
            }
        }
    }

    public void Dispose()
    {
        // Kill does nothing to a process that already exited; the workers go with the master's tree.
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A worker still closing a log file; the folder is under the temp path.
        }
    }
}
