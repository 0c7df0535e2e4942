using Microsoft.Extensions.Logging;

namespace OpenClaw.Runtime.Credentials;

/// <summary>
/// A plugin's logger for one attempt: once the attempt has resolved a credential, every entry is formatted here and
/// written with the secret values masked (structured arguments are flattened into the message so none slips through).
/// </summary>
internal sealed class RedactingLogger(ILogger inner, SecretRedactor redactor) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (redactor.IsEmpty)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }
        var message = redactor.Redact(formatter(state, exception));
        var error = exception is null ? null : redactor.Redact($"{exception.GetType().Name}: {exception.Message}");
        // The exception object itself is not passed on: its message and stack may carry the secret.
        inner.Log(logLevel, eventId, message, null, (text, _) => error is null ? text : $"{text} ({error})");
    }
}
