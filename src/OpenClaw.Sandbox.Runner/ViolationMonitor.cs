using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using OpenClaw.Sandbox.Protocol;

namespace OpenClaw.Sandbox.Runner;

/// <summary>
/// Turns the errors the kernel gives a contained plugin into violation reports, whether or not the plugin catches them:
/// the sandbox has already denied the operation (no network namespace route, a read-only mount); this only tells the host.
/// </summary>
/// <remarks>
/// First-chance notifications see every exception where it is thrown, before any <c>catch</c> in plugin code. An
/// <see cref="OutOfMemoryException"/> anywhere ends the process at once with <see cref="RunnerExitCodes.OutOfMemory"/>: a
/// plugin must not be able to catch its way past the memory limit, and the host learns the cause from the exit code.
/// </remarks>
internal sealed class ViolationMonitor(HostChannel channel, bool networkGranted, bool processesGranted)
{
    private const int MaxReportsPerCall = 8;

    [ThreadStatic] private static bool t_reporting;

    // An exception rethrown through async frames raises a first-chance notification at each frame: report it once.
    private readonly List<Exception> _reported = [];
    private long _callId;

    public void Install()
    {
        Native.PrepareExit();
        RuntimeHelpers.PrepareMethod(typeof(ViolationMonitor).GetMethod(nameof(OnFirstChance), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.MethodHandle);
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
    }

    /// <summary>Reports from now on belong to call <paramref name="callId"/>; 0 stops reporting (between calls).</summary>
    public void BeginCall(long callId)
    {
        lock (_reported) _reported.Clear();
        Volatile.Write(ref _callId, callId);
    }

    public void EndCall() => Volatile.Write(ref _callId, 0);

    private void OnFirstChance(object? sender, FirstChanceExceptionEventArgs e)
    {
        if (e.Exception is OutOfMemoryException) Native.Exit(RunnerExitCodes.OutOfMemory);

        var callId = Volatile.Read(ref _callId);
        if (callId == 0 || t_reporting) return;
        var kind = Classify(e.Exception);
        if (kind is null) return;
        lock (_reported)
        {
            if (_reported.Count >= MaxReportsPerCall || _reported.Exists(r => ReferenceEquals(r, e.Exception))) return;
            _reported.Add(e.Exception);
        }

        t_reporting = true;
        try
        {
            channel.Send(new SandboxMessage
            {
                Type = SandboxMessage.Violation, Id = callId, Kind = kind,
                Message = $"{e.Exception.GetType().Name}: {e.Exception.Message}",
            });
        }
        catch (IOException)
        {
            // The host has gone; the main loop ends on the closed input.
        }
        finally
        {
            t_reporting = false;
        }
    }

    private string? Classify(Exception exception) => exception switch
    {
        SocketException when !networkGranted => "NetworkDenied",
        // Process.Start reports the seccomp filter's EPERM from fork/clone/exec as a Win32Exception.
        Win32Exception { NativeErrorCode: Native.Eperm } when !processesGranted => "ProcessDenied",
        UnauthorizedAccessException => "FileSystemDenied",
        IOException { HResult: Native.Erofs } => "FileSystemDenied",
        _ => null,
    };
}
