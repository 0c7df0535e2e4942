using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>
/// Adds every formatted log line (with its exception and state) written through the app's loggers to
/// <paramref name="lines"/>. Hand it to <c>ILoggerFactory.AddProvider</c>, which then owns it.
/// </summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception} {state}");
    }
}
