namespace OpenClaw.Plugins.Sdk;

/// <summary>A failure a plugin reports on purpose, with a message meant for the workflow's author.</summary>
/// <remarks>
/// Set <see cref="Retryable"/> to <see langword="false"/> for failures a retry cannot fix (bad input, 4xx answers):
/// the engine then skips the step's remaining retries and goes straight to <c>on_failure</c>.
/// Any other exception thrown by a plugin is treated as retryable.
/// </remarks>
public class PluginException : Exception
{
    /// <summary>Creates a retryable failure.</summary>
    public PluginException(string message) : base(message) { }

    /// <summary>Creates a failure, retryable or not.</summary>
    public PluginException(string message, bool retryable, Exception? innerException = null) : base(message, innerException) =>
        Retryable = retryable;

    /// <summary>Creates a retryable failure wrapping another exception.</summary>
    public PluginException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Whether retrying the step may succeed.</summary>
    public bool Retryable { get; } = true;
}
