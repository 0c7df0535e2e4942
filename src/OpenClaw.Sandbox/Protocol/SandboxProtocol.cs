using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

// Compiled into both the host (OpenClaw.Sandbox) and the runner (OpenClaw.Sandbox.Runner): one definition of the wire format.
namespace OpenClaw.Sandbox.Protocol;

/// <summary>
/// One message between host and runner. Each travels as a frame: a 4-byte little-endian length, then that many bytes of
/// UTF-8 JSON. One envelope type with optional fields keeps the format small and easy to read in a dump.
/// </summary>
/// <remarks>
/// Host to runner: <c>load</c> (assembly + type; answered by <c>ready</c> or <c>error</c>), <c>execute</c> (a call, or a
/// lifecycle hook when <see cref="Hook"/> is set; answered by <c>result</c> or <c>error</c>, with any number of <c>log</c>
/// and <c>violation</c> frames before), <c>cancel</c>,
/// <c>shutdown</c>. A runner serves one call at a time.
/// </remarks>
internal sealed class SandboxMessage
{
    public const string Load = "load";
    public const string Execute = "execute";
    public const string Cancel = "cancel";
    public const string Shutdown = "shutdown";
    public const string Ready = "ready";
    public const string Log = "log";
    public const string Violation = "violation";
    public const string Result = "result";
    public const string Error = "error";

    public string Type { get; set; } = "";

    /// <summary>The call a frame belongs to; 0 for <c>load</c>/<c>ready</c>.</summary>
    public long Id { get; set; }

    // load / execute
    public string? Assembly { get; set; }
    public string? PluginType { get; set; }

    // execute
    public JsonObject? Inputs { get; set; }

    /// <summary>
    /// For <c>execute</c>: a lifecycle hook to call instead of <c>ExecuteAsync</c> (<c>install</c>, <c>uninstall</c>,
    /// <c>enable</c>, <c>disable</c>), answered by a <c>result</c> with an empty output. What the hook prints arrives as
    /// <c>log</c> frames before the answer (hooks have no context logger).
    /// </summary>
    public string? Hook { get; set; }
    public CallFields? Context { get; set; }
    public int CpuSeconds { get; set; }

    // result
    public JsonObject? Output { get; set; }

    // ready / result / error: CPU seconds the runner has used so far, so the host can retire it before its lifetime budget ends.
    public double CpuUsed { get; set; }

    // log / error / violation
    public string? Level { get; set; }
    public string? Message { get; set; }
    public string? ErrorType { get; set; }
    public bool Retryable { get; set; }

    /// <summary>For <c>violation</c>: a <c>SandboxViolationKind</c> name.</summary>
    public string? Kind { get; set; }
}

/// <summary>The parts of the step's execution context a sandboxed plugin sees.</summary>
internal sealed class CallFields
{
    public Guid ExecutionId { get; set; }
    public string StepId { get; set; } = "";
    public int Attempt { get; set; } = 1;
    public string IdempotencyKey { get; set; } = "";
    public JsonObject? Settings { get; set; }
    public int MemoryMb { get; set; }
    public int CpuTimeSeconds { get; set; }
    public Dictionary<string, CredentialFields>? Credentials { get; set; }
}

/// <summary>A credential granted to the step, sent only when the plugin holds the <c>credentials</c> permission.</summary>
internal sealed class CredentialFields
{
    public string Type { get; set; } = "";
    public Dictionary<string, string> Values { get; set; } = [];
}

/// <summary>Process exit codes the runner uses to say why it stopped.</summary>
internal static class RunnerExitCodes
{
    public const int Normal = 0;
    public const int BadArguments = 64;
    public const int ProtocolError = 65;

    /// <summary>An <see cref="OutOfMemoryException"/> was raised anywhere in the runner: the memory limit was reached.</summary>
    public const int OutOfMemory = 86;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(SandboxMessage))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;

/// <summary>Reads and writes frames. Not thread-safe: callers serialise writes.</summary>
internal static class Frames
{
    public const int HeaderSize = 4;

    public static byte[] Encode(SandboxMessage message)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(message, SandboxJsonContext.Default.SandboxMessage);
        var frame = new byte[HeaderSize + json.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, json.Length);
        json.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    public static SandboxMessage Decode(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, SandboxJsonContext.Default.SandboxMessage)
        ?? throw new InvalidDataException("A frame held JSON null.");

    /// <summary>Reads one frame; <see langword="null"/> at a clean end of stream.</summary>
    /// <exception cref="InvalidDataException">The stream ended inside a frame, or a frame is longer than <paramref name="maxLength"/>.</exception>
    public static async ValueTask<SandboxMessage?> ReadAsync(Stream stream, int maxLength, CancellationToken cancellationToken = default)
    {
        var header = new byte[HeaderSize];
        if (!await FillAsync(stream, header, cancellationToken).ConfigureAwait(false)) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > maxLength)
            throw new InvalidDataException($"A frame of {length} bytes exceeds the limit of {maxLength} bytes.");
        var body = new byte[length];
        if (!await FillAsync(stream, body, cancellationToken).ConfigureAwait(false))
            throw new InvalidDataException("The stream ended inside a frame.");
        return Decode(body);
    }

    /// <summary>Fills <paramref name="buffer"/>; false when the stream ends before the first byte.</summary>
    private static async ValueTask<bool> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[read..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (read == 0) return false;
                throw new InvalidDataException("The stream ended inside a frame.");
            }
            read += n;
        }
        return true;
    }
}
