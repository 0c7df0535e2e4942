using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenClaw.Runtime.Tests.Processes;

/// <summary>
/// The real OpenClaw server (<c>dotnet OpenClaw.Server.dll</c>) running as a child process, configured through
/// environment variables, so a test can kill it the way an operating system or an operator would.
/// </summary>
/// <remarks>Disposing kills the process (and anything it started) if it is still running, whatever the test's outcome.</remarks>
internal sealed class ServerProcess : IDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();

    private ServerProcess(Process process, string label, string baseUrl)
    {
        _process = process;
        Label = label;
        BaseUrl = baseUrl;
    }

    /// <summary>What the process is for, in messages: <c>server</c>, or its role (<c>api</c>, <c>worker</c>).</summary>
    public string Label { get; }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Matches the lease owner (and attempt worker id) this process writes: the runtime's node id is
    /// <c>{machine}-{pid}-{random}</c>, and <c>dotnet app.dll</c> runs the app in the host's own process.
    /// </summary>
    public string OwnerPattern => string.Create(CultureInfo.InvariantCulture, $"%-{_process.Id}-%");

    /// <summary>What the process wrote to stdout and stderr so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_outputGate) return _output.ToString();
        }
    }

    /// <summary>The all-scopes admin API key every server process starts with (<c>OpenClaw__Auth__BootstrapApiKey</c>).</summary>
    public const string BootstrapApiKey = "ock_runtime-tests-bootstrap-key-0123456789abcdef";

    /// <summary>A client that authenticates with <see cref="BootstrapApiKey"/>.</summary>
    public static HttpClient CreateClient(TimeSpan timeout)
    {
        var client = new HttpClient { Timeout = timeout };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BootstrapApiKey);
        return client;
    }

    /// <summary>The server assembly the test project builds alongside itself (see the csproj's <c>OpenClawServerDll</c>).</summary>
    public static string ServerDll { get; } = typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "OpenClawServerDll").Value!;

    /// <summary>Starts the embedded-database server over <paramref name="dataDirectory"/> and waits until it is ready.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, HttpClient http, TimeSpan deadline)
    {
        var server = Start("server", new Dictionary<string, string> { ["OpenClaw__DataDirectory"] = dataDirectory });
        try
        {
            await server.WaitUntilReadyAsync(http, deadline);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts a server on a loopback port with <paramref name="environment"/>; <see cref="WaitUntilReadyAsync"/> waits for it.</summary>
    /// <param name="port">The port to listen on (e.g. a restarted process taking its predecessor's); a free one when null.</param>
    public static ServerProcess Start(string label, IReadOnlyDictionary<string, string> environment, int? port = null)
    {
        if (!File.Exists(ServerDll))
            throw new FileNotFoundException($"The server is not built at '{ServerDll}'; build tests/OpenClaw.Runtime.Tests (it references the server project).", ServerDll);

        string baseUrl = $"http://127.0.0.1:{port ?? FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(ServerDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerDll);
        start.Environment["Urls"] = baseUrl;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["OpenClaw__Auth__BootstrapApiKey"] = BootstrapApiKey;
        foreach (var (name, value) in environment) start.Environment[name] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process, label, baseUrl);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        if (!process.Start()) throw new InvalidOperationException("dotnet did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls the readiness endpoint until it answers 200; fails early if the process exits.</summary>
    public async Task WaitUntilReadyAsync(HttpClient http, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The {Label} process exited with code {_process.ExitCode} before it was ready. Output:\n{Output}");
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
                throw new TimeoutException($"The {Label} process at {BaseUrl} was not ready within {deadline.TotalSeconds:0} s. Output:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: the process dies at once, without running any shutdown code.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: asks the process to shut down gracefully (the host's stop sequence runs).</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Waits for the process to exit; false when it is still running at the deadline.</summary>
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

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
