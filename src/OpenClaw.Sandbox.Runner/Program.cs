using System.Text.Json.Nodes;
using Microsoft.Win32.SafeHandles;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Protocol;

namespace OpenClaw.Sandbox.Runner;

/// <summary>
/// Runs untrusted plugin code for the host, one call at a time, speaking <see cref="SandboxMessage"/> frames over the
/// stdin/stdout it was started with. Isolation (namespaces, read-only mounts) comes from bubblewrap around this process;
/// the resource limits are set here, before any plugin code is loaded, and cannot be raised again by that code.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        RunnerArguments arguments;
        try
        {
            arguments = RunnerArguments.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"openclaw-sandbox-runner: {e.Message}");
            return RunnerExitCodes.BadArguments;
        }

        var (input, output) = TakeProtocolStreams();
        var channel = new HostChannel(input, output);
        ApplyLimits(arguments);
        if (OperatingSystem.IsLinux() && !arguments.Processes && !ProcessFilter.TryInstall(out var whyNot))
            Console.Error.WriteLine($"openclaw-sandbox-runner: warning: plugin code can start processes: {whyNot}");
        var monitor = new ViolationMonitor(channel, arguments.Network, arguments.Processes);
        monitor.Install();
        return new RunnerLoop(channel, monitor, arguments).Run();
    }

    /// <summary>
    /// Moves the protocol off fds 0 and 1: plugin code that writes to stdout (Console.Write, native printf) then lands on
    /// stderr, which the host counts and logs, and cannot forge or corrupt frames; stdin reads see /dev/null.
    /// </summary>
    private static (Stream Input, Stream Output) TakeProtocolStreams()
    {
        if (!OperatingSystem.IsLinux())
        {
            var stdout = Console.OpenStandardOutput();
            Console.SetOut(Console.Error);
            return (Console.OpenStandardInput(), stdout);
        }

        var protocolIn = Native.Dup(0);
        var protocolOut = Native.Dup(1);
        var devNull = Native.Open("/dev/null", 0);
        if (protocolIn < 0 || protocolOut < 0 || devNull < 0 || Native.Dup2(devNull, 0) < 0 || Native.Dup2(2, 1) < 0)
            throw new InvalidOperationException("Could not move the protocol off stdin/stdout.");
        Native.Close(devNull);
        return (
            new FileStream(new SafeFileHandle(protocolIn, ownsHandle: true), FileAccess.Read, bufferSize: 0),
            new FileStream(new SafeFileHandle(protocolOut, ownsHandle: true), FileAccess.Write, bufferSize: 0));
    }

    /// <remarks>
    /// Memory: the host sets <c>DOTNET_GCHeapHardLimit</c> to the plugin's limit, so the managed heap throws
    /// <see cref="OutOfMemoryException"/> there (and the monitor ends the process). <c>RLIMIT_DATA</c> (private writable
    /// memory: the GC's committed heap, malloc, thread stacks) bounds native allocations the GC does not see; the runtime's
    /// own needs come on top. <c>RLIMIT_AS</c> is set to the address space reserved now plus that allowance, which also
    /// bounds shared anonymous mappings, which <c>RLIMIT_DATA</c> does not count. <c>RLIMIT_AS</c> alone cannot be the limit:
    /// the runtime reserves gigabytes of address space up front that it never touches.
    /// </remarks>
    private static void ApplyLimits(RunnerArguments arguments)
    {
        if (!OperatingSystem.IsLinux()) return;
        const ulong Mb = 1024 * 1024;
        Native.LowerLimit(Native.RlimitCore, 0);
        Native.LowerLimit(Native.RlimitNofile, (ulong)arguments.MaxOpenFiles);
        Native.LowerLimit(Native.RlimitFsize, (ulong)arguments.MaxFileSizeMb * Mb);

        var allowance = (ulong)(arguments.MemoryMb + arguments.RuntimeOverheadMb) * Mb;
        Native.LowerLimit(Native.RlimitData, allowance);
        if (ReadStatusKb("VmSize:") is { } reservedKb) Native.LowerLimit(Native.RlimitAs, reservedKb * 1024 + allowance);

        // The hard CPU limit bounds the whole life of this process; each call lowers the soft limit to its own budget.
        var used = (ulong)Math.Ceiling(Environment.CpuUsage.TotalTime.TotalSeconds);
        Native.LowerLimit(Native.RlimitCpu, used + (ulong)arguments.CpuLifetimeSeconds);
    }

    private static ulong? ReadStatusKb(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var digits = line[field.Length..].Trim().Split(' ')[0];
            return ulong.TryParse(digits, out var kb) ? kb : null;
        }
        return null;
    }
}

/// <summary>Reads frames and serves calls, one at a time, until the host says <c>shutdown</c> or closes our input.</summary>
internal sealed class RunnerLoop(HostChannel channel, ViolationMonitor monitor, RunnerArguments arguments)
{
    private Plugin? _plugin;
    private string? _assembly;
    private string? _type;
    private Task _current = Task.CompletedTask;
    private CancellationTokenSource? _callCancellation;
    private long _callId;

    public int Run()
    {
        while (true)
        {
            SandboxMessage? message;
            try
            {
                message = channel.ReadAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine($"openclaw-sandbox-runner: {e.Message}");
                return RunnerExitCodes.ProtocolError;
            }
            if (message is null || message.Type == SandboxMessage.Shutdown) return RunnerExitCodes.Normal;

            switch (message.Type)
            {
                case SandboxMessage.Load:
                    Load(message);
                    break;
                case SandboxMessage.Execute:
                    // The host sends a call only after the previous one's answer; that call may still be emptying scratch.
                    _current.GetAwaiter().GetResult();
                    var cancellation = new CancellationTokenSource();
                    _callCancellation = cancellation;
                    Volatile.Write(ref _callId, message.Id);
                    _current = Task.Run(() => ExecuteAsync(message, cancellation));
                    break;
                case SandboxMessage.Cancel:
                    if (Volatile.Read(ref _callId) == message.Id) _callCancellation?.Cancel();
                    break;
                default:
                    Console.Error.WriteLine($"openclaw-sandbox-runner: unknown message type '{message.Type}'.");
                    return RunnerExitCodes.ProtocolError;
            }
        }
    }

    private void Load(SandboxMessage message)
    {
        try
        {
            EnsureLoaded(message.Assembly, message.PluginType);
            channel.Send(new SandboxMessage { Type = SandboxMessage.Ready, CpuUsed = CpuUsed(), CpuSeconds = CpuLifetimeLimit() });
        }
        catch (Exception e)
        {
            Fail(0, e.Message, e.GetType().FullName, retryable: false);
        }
    }

    private void EnsureLoaded(string? assembly, string? type)
    {
        if (string.IsNullOrEmpty(assembly) || string.IsNullOrEmpty(type))
            throw new InvalidOperationException("The request names no plugin assembly and type.");
        if (_plugin is not null)
        {
            if (assembly == _assembly && type == _type) return;
            throw new InvalidOperationException($"This runner serves '{_type}' and cannot load '{type}'.");
        }
        _plugin = PluginLoadContext.Create(assembly, type);
        (_assembly, _type) = (assembly, type);
    }

    private async Task ExecuteAsync(SandboxMessage message, CancellationTokenSource cancellation)
    {
        var fields = message.Context ?? new CallFields();
        try
        {
            EnsureLoaded(message.Assembly, message.PluginType);
            SetCallCpuBudget(message.CpuSeconds);
            monitor.BeginCall(message.Id);
            JsonObject output;
            try
            {
                if (message.Hook is { } hook)
                {
                    output = await RunHookAsync(hook, message.Id, cancellation.Token).ConfigureAwait(false);
                }
                else
                {
                    var context = new RunnerPluginContext(message.Id, fields, channel, cancellation.Token);
                    output = await _plugin!.ExecuteAsync(message.Inputs ?? [], context).ConfigureAwait(false);
                }
            }
            finally
            {
                monitor.EndCall();
            }
            channel.Send(new SandboxMessage { Type = SandboxMessage.Result, Id = message.Id, Output = output, CpuUsed = CpuUsed() });
        }
        catch (PluginException e)
        {
            Fail(message.Id, e.Message, e.GetType().FullName, e.Retryable);
        }
        catch (OperationCanceledException e) when (cancellation.IsCancellationRequested)
        {
            Fail(message.Id, "The call was cancelled.", e.GetType().FullName, retryable: true);
        }
        catch (Exception e)
        {
            Fail(message.Id, e.Message, e.GetType().FullName, retryable: true);
        }
        finally
        {
            Volatile.Write(ref _callId, 0);
            CleanScratch();
        }
    }

    /// <summary>
    /// Calls a lifecycle hook. Hooks get no <see cref="PluginContext"/> (the SDK hands them only a token), so what they print
    /// is their log: Console.Out and Console.Error go to the host as <c>log</c> frames of this call while the hook runs, and
    /// arrive in order before the answer.
    /// </summary>
    private async Task<JsonObject> RunHookAsync(string hook, long callId, CancellationToken cancellationToken)
    {
        var capture = new ConsoleLogWriter(callId, channel);
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(capture);
        Console.SetError(capture);
        try
        {
            var call = hook switch
            {
                "install" => _plugin!.OnInstallAsync(cancellationToken),
                "uninstall" => _plugin!.OnUninstallAsync(cancellationToken),
                "enable" => _plugin!.OnEnableAsync(cancellationToken),
                "disable" => _plugin!.OnDisableAsync(cancellationToken),
                _ => throw new InvalidOperationException($"Unknown lifecycle hook '{hook}'."),
            };
            await call.ConfigureAwait(false);
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
            capture.Flush();
        }
        return [];
    }

    private void Fail(long id, string message, string? errorType, bool retryable)
    {
        try
        {
            channel.Send(new SandboxMessage
            {
                Type = SandboxMessage.Error, Id = id, Message = message, ErrorType = errorType, Retryable = retryable, CpuUsed = CpuUsed(),
            });
        }
        catch (IOException)
        {
            // The host has gone; the main loop ends on the closed input.
        }
    }

    /// <summary>Lowers the soft CPU limit to what is used so far plus this call's budget: past it the kernel sends SIGXCPU.</summary>
    private static void SetCallCpuBudget(int cpuSeconds)
    {
        if (!OperatingSystem.IsLinux() || cpuSeconds <= 0) return;
        var (_, hard) = Native.GetLimit(Native.RlimitCpu);
        var soft = Math.Min((ulong)Math.Ceiling(Environment.CpuUsage.TotalTime.TotalSeconds) + (ulong)cpuSeconds, hard);
        Native.SetLimit(Native.RlimitCpu, soft, hard);
    }

    /// <summary>The hard CPU limit in seconds (what the host plans this runner's retirement by); 0 when unknown.</summary>
    private static int CpuLifetimeLimit() =>
        OperatingSystem.IsLinux() && Native.GetLimit(Native.RlimitCpu).Hard is var hard && hard < int.MaxValue ? (int)hard : 0;

    private static double CpuUsed() => Environment.CpuUsage.TotalTime.TotalSeconds;

    /// <summary>Empties the scratch folder so the next call (perhaps another execution's) starts clean.</summary>
    private void CleanScratch()
    {
        if (arguments.Scratch is not { } scratch || !Directory.Exists(scratch)) return;
        try
        {
            foreach (var entry in new DirectoryInfo(scratch).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo { LinkTarget: null } directory) directory.Delete(recursive: true);
                else entry.Delete();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"openclaw-sandbox-runner: could not empty the scratch folder: {e.Message}");
        }
    }
}

/// <summary>Turns what a hook prints into <c>log</c> frames, one per line.</summary>
internal sealed class ConsoleLogWriter(long callId, HostChannel channel) : TextWriter
{
    private readonly System.Text.StringBuilder _line = new();

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n') SendLine();
            else if (value != '\r') _line.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        foreach (var c in value) Write(c);
    }

    public override void Flush()
    {
        lock (_line)
        {
            if (_line.Length > 0) SendLine();
        }
    }

    private void SendLine()
    {
        var text = _line.ToString();
        _line.Clear();
        channel.Send(new SandboxMessage { Type = SandboxMessage.Log, Id = callId, Level = "Information", Message = text });
    }
}
