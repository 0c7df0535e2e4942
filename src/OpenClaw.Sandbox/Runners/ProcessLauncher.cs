using System.Collections.Concurrent;
using System.Diagnostics;

namespace OpenClaw.Sandbox.Runners;

/// <summary>
/// Starts every runner process from one dedicated thread that lives as long as the sandbox.
/// </summary>
/// <remarks>
/// bubblewrap's <c>--die-with-parent</c> uses <c>PR_SET_PDEATHSIG</c>, whose "parent" is the thread that forked, not the
/// process: a runner started from a thread-pool thread is killed (SIGKILL) when that thread retires. Forking from a thread
/// that never ends before the sandbox does keeps the guarantee (runners die with the server) without that hazard.
/// </remarks>
internal sealed class ProcessLauncher : IDisposable
{
    private readonly BlockingCollection<(ProcessStartInfo StartInfo, TaskCompletionSource<Process> Started)> _requests = new();
    private readonly Thread _thread;

    public ProcessLauncher()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "OpenClaw sandbox launcher" };
        _thread.Start();
    }

    /// <summary>Starts the process on the launcher thread.</summary>
    public Task<Process> StartAsync(ProcessStartInfo startInfo)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _requests.Add((startInfo, started));
        }
        catch (InvalidOperationException)
        {
            started.SetException(new ObjectDisposedException(nameof(ProcessLauncher)));
        }
        return started.Task;
    }

    private void Run()
    {
        foreach (var (startInfo, started) in _requests.GetConsumingEnumerable())
        {
            var process = new Process { StartInfo = startInfo };
            try
            {
                process.Start();
                started.SetResult(process);
            }
            catch (Exception e)
            {
                process.Dispose();
                started.SetException(e);
            }
        }
    }

    /// <summary>Ends the launcher thread; processes it started and that are still alive under bubblewrap die with it.</summary>
    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread.Join();
        _requests.Dispose();
    }
}
