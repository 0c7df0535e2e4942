using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Runtime.Workers;

/// <summary>
/// The logger a plugin gets for one step attempt: every entry goes to the host's log as usual and is also kept, bounded,
/// so the step's history shows what the plugin said (<c>task_attempts.logs</c>).
/// </summary>
/// <remarks>Bounded because a chatty plugin must not bloat the commit that records its result: past the limits the
/// remaining entries are counted, not kept, and the history says how many were dropped.</remarks>
internal sealed class StepLogRecorder(ILogger inner, TimeProvider time) : ILogger
{
    /// <summary>Most entries kept per attempt.</summary>
    public const int MaxEntries = 200;

    /// <summary>Most message characters kept per attempt (each message is cut to <see cref="MaxMessageLength"/>).</summary>
    public const int MaxTotalLength = 64 * 1024;

    public const int MaxMessageLength = 4 * 1024;

    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset Time, LogLevel Level, string Message)> _entries = [];
    private int _totalLength;
    private int _dropped;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    /// <summary>Information and above are kept; debug entries go to the host's log only.</summary>
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information || inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (inner.IsEnabled(logLevel)) inner.Log(logLevel, eventId, state, exception, formatter);
        if (logLevel < LogLevel.Information || logLevel == LogLevel.None) return;

        var message = formatter(state, exception);
        if (exception is not null) message = $"{message} ({exception.GetType().Name}: {exception.Message})";
        if (message.Length > MaxMessageLength) message = string.Concat(message.AsSpan(0, MaxMessageLength), "…");
        lock (_gate)
        {
            if (_entries.Count >= MaxEntries || _totalLength + message.Length > MaxTotalLength)
            {
                _dropped++;
                return;
            }
            _entries.Add((time.GetUtcNow(), logLevel, message));
            _totalLength += message.Length;
        }
    }

    /// <summary>The kept entries as <c>[{time, level, message}]</c>, or null when the plugin logged nothing.</summary>
    public JsonElement? ToJson()
    {
        lock (_gate)
        {
            if (_entries.Count == 0 && _dropped == 0) return null;
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                foreach (var (at, level, message) in _entries) Write(writer, at, LevelName(level), message);
                if (_dropped > 0) Write(writer, time.GetUtcNow(), "warning", $"{_dropped} more log entries were not kept (limit {MaxEntries} entries, {MaxTotalLength} characters)");
                writer.WriteEndArray();
            }
            return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
        }
    }

    private static void Write(Utf8JsonWriter writer, DateTimeOffset at, string level, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("time", at);
        writer.WriteString("level", level);
        writer.WriteString("message", message);
        writer.WriteEndObject();
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };
}
