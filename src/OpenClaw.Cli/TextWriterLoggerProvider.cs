using Microsoft.Extensions.Logging;

namespace OpenClaw.Cli;

/// <summary>
/// Writes log entries as single lines to a writer, synchronously. <c>openclaw run</c> sends them to stderr so that stdout
/// holds nothing but the outputs JSON, which scripts parse.
/// </summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_gate) writer.WriteLine(line);
    }

    private sealed class Logger(TextWriterLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var level = logLevel switch
            {
                LogLevel.Trace => "trce",
                LogLevel.Debug => "dbug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                _ => "crit",
            };
            var line = $"{level}: {category}: {formatter(state, exception)}";
            provider.Write(exception is null ? line : $"{line}{Environment.NewLine}{exception}");
        }
    }
}
