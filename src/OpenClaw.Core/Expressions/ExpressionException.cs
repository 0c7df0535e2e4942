namespace OpenClaw.Core.Expressions;

/// <summary>
/// A syntax or evaluation error in an expression or template, located by column so an editor or the
/// definition validator can point at the offending character.
/// </summary>
/// <remarks>
/// <see cref="Column"/> is 1-based and counts characters of <see cref="Text"/>, the text that was parsed: the
/// expression body for <see cref="Expression.Parse(string)"/>, the whole string for <see cref="Template.Parse(string)"/>.
/// It is 0 when the error is not tied to a position (for example, converting caller data that cannot be
/// represented as JSON). The message is <see cref="Reason"/> followed by the column and, when known, the
/// JSON path of the configuration value that held the template.
/// </remarks>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates an error for <paramref name="text"/> at <paramref name="column"/>.</summary>
    public ExpressionException(string reason, int column, string text)
        : this(reason, column, text, path: null, innerException: null)
    {
    }

    /// <summary>Creates an error that also names the configuration location and keeps the underlying cause.</summary>
    public ExpressionException(string reason, int column, string text, string? path, Exception? innerException)
        : base(FormatMessage(reason, column, path), innerException)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(text);
        Reason = reason;
        Column = column;
        Text = text;
        Path = path;
    }

    /// <summary>What went wrong, without the location (for UIs that show the location separately).</summary>
    public string Reason { get; }

    /// <summary>1-based character position in <see cref="Text"/>; 0 when not tied to a position.</summary>
    public int Column { get; }

    /// <summary>The text the column refers to.</summary>
    /// <remarks>Named <c>Text</c> rather than <c>Source</c> because <see cref="Exception.Source"/> already exists with another meaning.</remarks>
    public string Text { get; }

    /// <summary>JSON path (e.g. <c>$.config.url</c>) of the configuration string that held the template, when known.</summary>
    public string? Path { get; }

    internal ExpressionException WithPath(string path) => new(Reason, Column, Text, path, InnerException);

    private static string FormatMessage(string reason, int column, string? path)
    {
        var message = column > 0 ? $"{reason} at column {column}" : reason;
        return path is null ? message : $"{message} in {path}";
    }
}
