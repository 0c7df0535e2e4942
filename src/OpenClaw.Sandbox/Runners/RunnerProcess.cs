using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenClaw.Sandbox.Protocol;

namespace OpenClaw.Sandbox.Runners;

/// <summary>How a call ended, as the host saw it.</summary>
/// <param name="Reply">The runner's <c>result</c> or <c>error</c> frame; <see langword="null"/> when the runner was ended first.</param>
/// <param name="Terminal">Why the runner was ended during the call (a limit), or <see langword="null"/>.</param>
/// <param name="Detail">What ended it, for <see cref="Terminal"/> or a crash.</param>
/// <param name="Reported">Violations the runner reported during the call (denied network or file operations).</param>
internal sealed record CallOutcome(
    SandboxMessage? Reply, SandboxViolationKind? Terminal, string? Detail, IReadOnlyList<(SandboxViolationKind Kind, string Detail)> Reported);

/// <summary>Raised when a runner cannot be started or cannot load its plugin.</summary>
internal sealed class RunnerStartException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}

/// <summary>
/// One runner process and the host's end of its pipes. It serves one call at a time. Everything the process writes counts
/// against the call's output budget: past it the host stops reading and kills the process tree.
/// </summary>
internal sealed class RunnerProcess : IAsyncDisposable
{
    private const int SigKill = 9, SigAbrt = 6, SigXcpu = 24, SigXfsz = 25;
    private const int StderrTailBytes = 4096;
    private const int MaxLogLine = 4000;

    private readonly Process _process;
    private readonly Stream _input;
    private readonly long _maxOutput;
    private readonly TimeSpan _cancelGrace;
    private readonly ILogger _logger;
    private readonly string? _hostScratch;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource<SandboxMessage> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly StringBuilder _stderrTail = new();
    private Task _protocolPump = Task.CompletedTask;
    private Task _stderrPump = Task.CompletedTask;
    private ActiveCall? _call;
    private long _outputBytes;
    private volatile bool _killedByHost;
    private volatile bool _broken;
    private long _nextId;

    private RunnerProcess(Process process, RunnerSpecLabel label, SandboxOptions options, ILogger logger, string? hostScratch)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        Label = label;
        _maxOutput = options.MaxOutputBytes;
        _cancelGrace = options.CancelGracePeriod;
        _logger = logger;
        _hostScratch = hostScratch;
    }

    public RunnerSpecLabel Label { get; }
    public int CallsServed { get; private set; }
    public double CpuUsed { get; private set; }

    /// <summary>The runner's hard CPU limit (its whole life), as it reported; 0 when unknown.</summary>
    public int CpuLifetimeLimit { get; private set; }

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Whether another call may be sent: alive, never violated a rule, and enough CPU left for a call's budget.</summary>
    public bool CanServe(int cpuBudgetSeconds) =>
        !HasExited && !_broken && (CpuLifetimeLimit == 0 || CpuLifetimeLimit - CpuUsed >= cpuBudgetSeconds + 1);

    /// <summary>Starts the process and waits until it has loaded the plugin.</summary>
    /// <exception cref="RunnerStartException">The process could not start or the plugin could not be loaded.</exception>
    public static async Task<RunnerProcess> StartAsync(
        ProcessLauncher launcher, ProcessStartInfo startInfo, RunnerSpecLabel label, string assemblyInside, string typeName,
        SandboxOptions options, string? hostScratch, ILogger logger, CancellationToken cancellationToken)
    {
        Process process;
        try
        {
            process = await launcher.StartAsync(startInfo).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or ObjectDisposedException)
        {
            throw new RunnerStartException($"Could not start the sandbox runner ({startInfo.FileName}): {e.Message}", retryable: true, e);
        }

        var runner = new RunnerProcess(process, label, options, logger, hostScratch);
        var startTimeout = options.StartTimeout;
        runner._protocolPump = Task.Run(runner.PumpProtocolAsync, CancellationToken.None);
        runner._stderrPump = Task.Run(runner.PumpStderrAsync, CancellationToken.None);
        try
        {
            await runner.SendAsync(new SandboxMessage { Type = SandboxMessage.Load, Assembly = assemblyInside, PluginType = typeName }).ConfigureAwait(false);
            var ready = await runner._ready.Task.WaitAsync(startTimeout, cancellationToken).ConfigureAwait(false);
            runner.CpuUsed = ready.CpuUsed;
            runner.CpuLifetimeLimit = ready.CpuSeconds;
            return runner;
        }
        catch (Exception e)
        {
            await runner.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            throw e switch
            {
                RunnerStartException start => start,
                TimeoutException => new RunnerStartException($"The sandbox runner did not become ready within {startTimeout}.{runner.StderrSuffix()}", retryable: true, e),
                _ => new RunnerStartException($"The sandbox runner failed to start: {e.Message}{runner.StderrSuffix()}", retryable: true, e),
            };
        }
    }

    /// <summary>Runs one call. Never throws for what the plugin does; throws <see cref="OperationCanceledException"/> when the caller cancels.</summary>
    public async Task<CallOutcome> ExecuteAsync(SandboxMessage request, TimeSpan timeout, ILogger? callLogger, CancellationToken cancellationToken)
    {
        request.Id = Interlocked.Increment(ref _nextId);
        var call = new ActiveCall(request.Id, callLogger);
        lock (_lock)
        {
            if (_call is not null) throw new InvalidOperationException("A runner serves one call at a time.");
            _call = call;
        }
        Interlocked.Exchange(ref _outputBytes, 0);
        CallsServed++;
        try
        {
            if (HasExited) call.Complete(null, null, "The runner had exited before the call.");
            try
            {
                await SendAsync(request).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The runner died; the protocol pump completes the call with the reason.
            }

            try
            {
                await call.Completion.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Terminate(SandboxViolationKind.Timeout, $"The call did not finish within {timeout.TotalSeconds:0.###} s (wall clock); the runner was killed.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await CancelAsync(call).ConfigureAwait(false);
                throw;
            }

            var outcome = await call.Completion.Task.ConfigureAwait(false);
            if (outcome.Reply is { } reply) CpuUsed = reply.CpuUsed;
            if (outcome.Reported.Count > 0 || outcome.Terminal is not null || outcome.Reply is null) _broken = true;
            return outcome;
        }
        finally
        {
            lock (_lock) _call = null;
        }
    }

    /// <summary>Asks the plugin to stop (its cancellation token fires); kills the runner if it does not answer in time.</summary>
    private async Task CancelAsync(ActiveCall call)
    {
        try
        {
            await SendAsync(new SandboxMessage { Type = SandboxMessage.Cancel, Id = call.Id }).ConfigureAwait(false);
            await call.Completion.Task.WaitAsync(_cancelGrace).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            _broken = true;
            Kill();
        }
    }

    private async Task SendAsync(SandboxMessage message)
    {
        var frame = Frames.Encode(message);
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _input.WriteAsync(frame).ConfigureAwait(false);
            await _input.FlushAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException e)
        {
            throw new IOException("The runner's input is closed.", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Reads frames until the runner's stdout closes, then settles whatever was waiting on it.</summary>
    private async Task PumpProtocolAsync()
    {
        var stream = _process.StandardOutput.BaseStream;
        var header = new byte[Frames.HeaderSize];
        try
        {
            while (await FillAsync(stream, header).ConfigureAwait(false))
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (length < 0)
                {
                    Terminate(SandboxViolationKind.ProtocolViolation, $"The runner sent a frame with length {length}.");
                    break;
                }
                if (!Charge(Frames.HeaderSize + (long)length))
                {
                    Terminate(SandboxViolationKind.OutputLimit, $"The call's output passed {_maxOutput} bytes (a frame of {length} bytes); the runner was killed.");
                    break;
                }
                var body = new byte[length];
                if (!await FillAsync(stream, body).ConfigureAwait(false)) break;
                SandboxMessage message;
                try
                {
                    message = Frames.Decode(body);
                }
                catch (JsonException e)
                {
                    Terminate(SandboxViolationKind.ProtocolViolation, $"The runner sent a frame that is not a protocol message: {e.Message}");
                    break;
                }
                Dispatch(message);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidDataException)
        {
            // The pipe broke or the runner died mid-frame; handled below like any exit.
        }
        await OnProtocolClosedAsync().ConfigureAwait(false);
    }

    private void Dispatch(SandboxMessage message)
    {
        var call = Volatile.Read(ref _call);
        switch (message.Type)
        {
            case SandboxMessage.Ready:
                _ready.TrySetResult(message);
                break;
            case SandboxMessage.Error when message.Id == 0:
                _ready.TrySetException(new RunnerStartException($"The plugin could not be loaded: {message.Message}", retryable: false));
                break;
            case SandboxMessage.Result or SandboxMessage.Error when call?.Id == message.Id:
                call.Complete(message, null, null);
                break;
            case SandboxMessage.Log when call?.Id == message.Id:
                call.Logger?.Log(ParseLevel(message.Level), "{PluginMessage}", message.Message);
                break;
            case SandboxMessage.Violation when call?.Id == message.Id:
                if (Enum.TryParse<SandboxViolationKind>(message.Kind, out var kind)) call.Report(kind, message.Message ?? "");
                break;
            case SandboxMessage.Result or SandboxMessage.Error or SandboxMessage.Log or SandboxMessage.Violation:
                // A late frame of a call that already ended (e.g. timed out while the answer was on its way).
                break;
            default:
                Terminate(SandboxViolationKind.ProtocolViolation, $"The runner sent an unknown message type '{message.Type}'.");
                break;
        }
    }

    private async Task OnProtocolClosedAsync()
    {
        // A runner whose protocol stream closed is finished, even if plugin code closed the descriptor and kept running.
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        await _stderrPump.ConfigureAwait(false);

        var exitCode = _process.ExitCode;
        var (kind, detail) = _killedByHost ? (null, "The runner was killed by the host.") : ExplainExit(exitCode);
        _ready.TrySetException(new RunnerStartException($"The sandbox runner exited during start-up: {detail}{StderrSuffix()}", retryable: true));
        Volatile.Read(ref _call)?.Complete(null, kind, kind is null ? detail + StderrSuffix() : detail);
        _exited.TrySetResult();
    }

    /// <summary>Maps how the runner ended to the limit that ended it; a null kind means a crash.</summary>
    private (SandboxViolationKind?, string) ExplainExit(int exitCode)
    {
        string tail;
        lock (_stderrTail) tail = _stderrTail.ToString();
        return exitCode switch
        {
            RunnerExitCodes.OutOfMemory => (SandboxViolationKind.MemoryLimit, "The plugin reached its memory limit; the runner was ended."),
            128 + SigXcpu => (SandboxViolationKind.CpuLimit, "The plugin used up its CPU time; the kernel ended the runner (SIGXCPU)."),
            128 + SigKill => (SandboxViolationKind.CpuLimit, "The runner was killed by the kernel (SIGKILL): the hard CPU limit, or the kernel's out-of-memory killer."),
            128 + SigXfsz => (SandboxViolationKind.FileSizeLimit, "The plugin wrote a file past the file-size limit; the kernel ended the runner (SIGXFSZ)."),
            128 + SigAbrt when tail.Contains("OutOfMemory", StringComparison.Ordinal) || tail.Contains("out of memory", StringComparison.OrdinalIgnoreCase) =>
                (SandboxViolationKind.MemoryLimit, "The runtime ran out of memory under the plugin's limit; the runner aborted."),
            _ => (null, $"The sandbox runner exited with code {exitCode}."),
        };
    }

    /// <summary>Reads what the runner (and plugin code printing to stdout) writes to stderr: counted, logged, capped.</summary>
    private async Task PumpStderrAsync()
    {
        var stream = _process.StandardError.BaseStream;
        var buffer = new byte[16 * 1024];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        var line = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                var count = decoder.GetChars(buffer, 0, read, chars, 0);
                KeepTail(chars.AsSpan(0, count));
                if (!Charge(read))
                {
                    Terminate(SandboxViolationKind.OutputLimit, $"The call's output passed {_maxOutput} bytes (stdout/stderr); the runner was killed.");
                    return;
                }
                ForwardLines(chars.AsSpan(0, count), line);
            }
            if (line.Length > 0) Volatile.Read(ref _call)?.Logger?.LogInformation("[stdout] {Line}", line.ToString());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The runner is gone.
        }
    }

    private void ForwardLines(ReadOnlySpan<char> text, StringBuilder line)
    {
        var logger = Volatile.Read(ref _call)?.Logger ?? _logger;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                logger.LogInformation("[stdout] {Line}", line.ToString());
                line.Clear();
            }
            else if (line.Length < MaxLogLine)
            {
                line.Append(c);
            }
        }
    }

    private void KeepTail(ReadOnlySpan<char> text)
    {
        lock (_stderrTail)
        {
            _stderrTail.Append(text);
            if (_stderrTail.Length > StderrTailBytes) _stderrTail.Remove(0, _stderrTail.Length - StderrTailBytes);
        }
    }

    private string StderrSuffix()
    {
        string tail;
        lock (_stderrTail) tail = _stderrTail.ToString().Trim();
        return tail.Length == 0 ? "" : $" Runner output: {tail}";
    }

    private bool Charge(long bytes) => Interlocked.Add(ref _outputBytes, bytes) <= _maxOutput;

    /// <summary>Ends the runner for breaking a rule; the call in progress (if any) fails with that violation.</summary>
    private void Terminate(SandboxViolationKind kind, string detail)
    {
        _broken = true;
        var call = Volatile.Read(ref _call);
        call?.Complete(null, kind, detail);
        if (call is null) _logger.LogWarning("Sandbox runner {Runner} ended between calls: {Kind}: {Detail}", Label, kind, detail);
        Kill();
    }

    private void Kill()
    {
        _killedByHost = true;
        try
        {
            // bubblewrap's --die-with-parent takes the sandbox's own processes down with it; the tree kill covers the weak mode.
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _broken = true;
        Kill();
        try
        {
            await _protocolPump.ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            _writeLock.Dispose();
            if (_hostScratch is not null)
            {
                try
                {
                    Directory.Delete(_hostScratch, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _logger.LogWarning("Could not remove the sandbox scratch folder {Scratch}: {Error}", _hostScratch, e.Message);
                }
            }
        }
    }

    private static async ValueTask<bool> FillAsync(Stream stream, Memory<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[read..]).ConfigureAwait(false);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    private static LogLevel ParseLevel(string? level) => Enum.TryParse<LogLevel>(level, out var parsed) ? parsed : LogLevel.Information;

    /// <summary>One call in progress: its reply or end, and the violations reported during it.</summary>
    private sealed class ActiveCall(long id, ILogger? logger)
    {
        private readonly List<(SandboxViolationKind, string)> _reported = [];

        public long Id { get; } = id;
        public ILogger? Logger { get; } = logger;
        public TaskCompletionSource<CallOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Report(SandboxViolationKind kind, string detail)
        {
            lock (_reported) _reported.Add((kind, detail));
        }

        public void Complete(SandboxMessage? reply, SandboxViolationKind? terminal, string? detail)
        {
            (SandboxViolationKind, string)[] reported;
            lock (_reported) reported = [.. _reported];
            Completion.TrySetResult(new CallOutcome(reply, terminal, detail, reported));
        }
    }
}

/// <summary>Names a runner in logs: the plugin and the process id.</summary>
internal readonly record struct RunnerSpecLabel(string Plugin, bool Network)
{
    public override string ToString() => Network ? Plugin + " (network)" : Plugin;
}
