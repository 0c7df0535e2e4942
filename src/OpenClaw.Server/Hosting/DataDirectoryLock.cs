namespace OpenClaw.Server.Hosting;

/// <summary>
/// Holds an exclusive lock file in the data folder. The embedded database belongs to one process: the executor
/// returns every running task to the queue at start, which is only safe when no other process is running them.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _stream;

    private DataDirectoryLock(FileStream stream) => _stream = stream;

    /// <exception cref="InvalidOperationException">Another OpenClaw process uses the folder.</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "openclaw.lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.Write(Environment.ProcessId);
            return new DataDirectoryLock(stream);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"Another OpenClaw process is using the data folder '{Path.GetFullPath(directory)}' ({ex.Message}).", ex);
        }
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>
/// Makes any host built with <see cref="OpenClawComposition.AddOpenClaw"/> take the data folder before its other hosted
/// services (the executor among them) start: it is registered ahead of them, and hosted services start in order.
/// </summary>
internal sealed class DataDirectoryLockService(DataDirectoryLock folder) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(folder);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
