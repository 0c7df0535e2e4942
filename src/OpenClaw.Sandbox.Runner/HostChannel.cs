using OpenClaw.Sandbox.Protocol;

namespace OpenClaw.Sandbox.Runner;

/// <summary>The runner's end of the protocol: frames in from the host, frames out to it, writes serialised.</summary>
internal sealed class HostChannel(Stream input, Stream output)
{
    /// <summary>Inputs are bounded by the host; this only stops a corrupt length from allocating gigabytes.</summary>
    private const int MaxIncomingFrame = 256 * 1024 * 1024;

    private readonly Lock _writeLock = new();

    public ValueTask<SandboxMessage?> ReadAsync(CancellationToken cancellationToken = default) =>
        Frames.ReadAsync(input, MaxIncomingFrame, cancellationToken);

    public void Send(SandboxMessage message)
    {
        var frame = Frames.Encode(message);
        lock (_writeLock)
        {
            output.Write(frame);
            output.Flush();
        }
    }
}
