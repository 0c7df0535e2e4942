using Microsoft.Extensions.Logging.Console;

namespace OpenClaw.Server.Observability.Logging;

/// <summary>Settings of <see cref="JsonLogFormatter"/> (section <c>Logging:Console:FormatterOptions</c>).</summary>
public sealed class JsonLogFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>The <c>service</c> field: <c>openclaw</c>, or <c>openclaw-api</c>, <c>openclaw-worker</c>... by role.</summary>
    public string Service { get; set; } = "openclaw";
}
