using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests;

/// <summary>A plugin context with settable parts: a cancellation token, credentials, an object store and a logger that records entries.</summary>
internal sealed class TestPluginContext : PluginContext
{
    public CancellationToken Token { get; init; }

    public string Key { get; init; } = "idem-" + Guid.NewGuid().ToString("N");

    public CapturingLogger Log { get; } = new();

    public Dictionary<string, PluginCredential> Credentials { get; } = new(StringComparer.Ordinal);

    public override CancellationToken CancellationToken => Token;

    public override ILogger Logger => Log;

    public override string IdempotencyKey => Key;

    public override Guid ExecutionId { get; } = Guid.NewGuid();

    public override string StepId => "step-1";

    public override int Attempt => 1;

    public override PluginConfig Config => PluginConfig.Default;

    /// <summary>The object store plugins see; none by default.</summary>
    public IPluginObjectStore? Store { get; init; }

    public override IPluginObjectStore? ObjectStore => Store;

    public TestPluginContext WithCredential(string name, string type, params (string Key, string Value)[] values)
    {
        Credentials[name] = new PluginCredential(name, type, values.ToDictionary(v => v.Key, v => v.Value));
        return this;
    }

    public override ValueTask<PluginCredential?> GetCredentialAsync(string name, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Credentials.GetValueOrDefault(name));
}

/// <summary>One recorded log call: its level, rendered message and structured properties.</summary>
internal sealed record LogEntry(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties);

/// <summary>An <see cref="ILogger"/> that keeps every entry for assertions.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(p => p.Key, p => p.Value)
            : new Dictionary<string, object?>();
        _entries.Enqueue(new LogEntry(logLevel, formatter(state, exception), properties));
    }
}
