using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Protocol;

namespace OpenClaw.Sandbox.Runner;

/// <summary>The <see cref="PluginContext"/> a sandboxed plugin sees: fields sent by the host, a logger that forwards to it.</summary>
/// <remarks>No object store yet: it would have to be proxied over the protocol, so sandboxed plugins see <see langword="null"/>.</remarks>
internal sealed class RunnerPluginContext(long callId, CallFields fields, HostChannel channel, CancellationToken cancellationToken)
    : PluginContext
{
    private readonly PluginConfig _config = new(
        Enabled: true,
        Settings: fields.Settings ?? [],
        Resources: new PluginResources(fields.MemoryMb, fields.CpuTimeSeconds));

    public override CancellationToken CancellationToken => cancellationToken;
    public override ILogger Logger { get; } = new ForwardingLogger(callId, channel);
    public override string IdempotencyKey => fields.IdempotencyKey;
    public override Guid ExecutionId => fields.ExecutionId;
    public override string StepId => fields.StepId;
    public override int Attempt => fields.Attempt;
    public override PluginConfig Config => _config;
    public override IPluginObjectStore? ObjectStore => null;

    public override ValueTask<PluginCredential?> GetCredentialAsync(string name, CancellationToken cancellationToken = default)
    {
        PluginCredential? credential = fields.Credentials is { } all && all.TryGetValue(name, out var found)
            ? new PluginCredential(name, found.Type, found.Values)
            : null;
        return ValueTask.FromResult(credential);
    }

    /// <summary>Sends each entry to the host as a <c>log</c> frame; the host writes it to the step's logger.</summary>
    private sealed class ForwardingLogger(long callId, HostChannel channel) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message = message + Environment.NewLine + exception;
            channel.Send(new SandboxMessage { Type = SandboxMessage.Log, Id = callId, Level = logLevel.ToString(), Message = message });
        }
    }
}
