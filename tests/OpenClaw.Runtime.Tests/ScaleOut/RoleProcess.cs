using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using OpenClaw.Runtime.Tests.Crash;

namespace OpenClaw.Runtime.Tests.ScaleOut;

/// <summary>
/// One OpenClaw server process (<c>dotnet OpenClaw.Server.dll</c>) in a given role against a shared PostgreSQL database,
/// with the lease timings the test chooses (environment variables <c>OpenClaw__Runtime__*</c>).
/// </summary>
/// <remarks>Disposing kills the process if it is still running, whatever the test's outcome.</remarks>
internal sealed class RoleProcess : IDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();

    private RoleProcess(Process process, string role, string baseUrl)
    {
        _process = process;
        Role = role;
        BaseUrl = baseUrl;
    }

    public string Role { get; }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Matches the lease owner (and attempt worker id) this process writes: the runtime's node id is
    /// <c>{machine}-{pid}-{random}</c>, and <c>dotnet app.dll</c> runs the app in the host's own process.
    /// </summary>
    public string OwnerPattern => string.Create(CultureInfo.InvariantCulture, $"%-{_process.Id}-%");

    public string Output
    {
        get
        {
            lock (_outputGate) return _output.ToString();
        }
    }

    /// <summary>Starts the process; <see cref="WaitUntilReadyAsync"/> waits for its readiness endpoint.</summary>
    public static RoleProcess Start(string role, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        if (!File.Exists(ServerProcess.ServerDll))
            throw new FileNotFoundException($"The server is not built at '{ServerProcess.ServerDll}'.", ServerProcess.ServerDll);

        string baseUrl = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(ServerProcess.ServerDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerProcess.ServerDll);
        start.Environment["OpenClaw__Storage"] = "postgres";
        start.Environment["OpenClaw__PostgresConnectionString"] = connectionString;
        start.Environment["OpenClaw__Role"] = role;
        start.Environment["OpenClaw__DataDirectory"] = Path.Combine(Path.GetTempPath(), "openclaw-scaleout", Guid.NewGuid().ToString("N"));
        start.Environment["Urls"] = baseUrl;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings) start.Environment[name] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new RoleProcess(process, role, baseUrl);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        if (!process.Start()) throw new InvalidOperationException("dotnet did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public async Task WaitUntilReadyAsync(HttpClient http, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The {Role} process exited with code {_process.ExitCode} before it was ready. Output:\n{Output}");
            try
            {
                using var response = await http.GetAsync($"{BaseUrl}/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // The request timed out on a busy machine; try again until the deadline.
            }
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"The {Role} process at {BaseUrl} was not ready within {deadline.TotalSeconds:0} s. Output:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process dies at once, without running any shutdown code.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: asks the process to shut down gracefully.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_outputGate) _output.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
