using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Plugins;

/// <summary>Converts JSON scalars to CLR values for libraries that bind to them (templates, database parameters).</summary>
/// <remarks>
/// A <see cref="JsonValue"/> built in code wraps whatever CLR type it was created from (an <see cref="int"/>, a
/// <see cref="decimal"/>), and <c>TryGetValue&lt;long&gt;</c> does not convert between them, so numbers are read from
/// their JSON text, which is the same whichever way the node was made.
/// </remarks>
internal static class JsonScalars
{
    /// <summary>A string, <see cref="bool"/>, <see cref="long"/>, <see cref="decimal"/> or <see cref="double"/>; <see langword="null"/> for JSON null.</summary>
    /// <exception cref="ArgumentException">The value is not a JSON scalar.</exception>
    public static object? ToClr(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => PluginInputs.AsString(value),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number => Number(value.ToJsonString()),
        var kind => throw new ArgumentException($"not a JSON scalar: {kind}", nameof(value)),
    };

    /// <summary>Integers as <see cref="long"/>; other numbers as <see cref="decimal"/> when exact, else <see cref="double"/>.</summary>
    private static object Number(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return integer;
        if (!text.Contains('e', StringComparison.OrdinalIgnoreCase)
            && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var exact)) return exact;
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
