using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Plugins;

/// <summary>Reads durations written as seconds (<c>10</c>, <c>2.5</c>) or with a unit (<c>500ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>).</summary>
internal static class Durations
{
    /// <summary>The longest duration accepted; it keeps timers within what <see cref="CancellationTokenSource"/> allows.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(1);

    /// <summary>Parses a positive duration no longer than <see cref="Max"/>; returns <see langword="false"/> otherwise.</summary>
    public static bool TryParse(JsonNode? node, out TimeSpan duration)
    {
        duration = default;
        double milliseconds;
        // Read from the JSON text: a value built in code wraps an int or long, which TryGetValue<double> does not convert.
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            milliseconds = seconds * 1000;
        }
        else if (PluginInputs.AsString(node) is { } text && TryParseText(text.Trim(), out var ms))
        {
            milliseconds = ms;
        }
        else
        {
            return false;
        }

        if (!double.IsFinite(milliseconds) || milliseconds < 1 || milliseconds > Max.TotalMilliseconds) return false;
        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    private static bool TryParseText(string text, out double milliseconds)
    {
        milliseconds = 0;
        var (number, scale) =
            text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 1.0)
            : text.EndsWith('s') || text.EndsWith('S') ? (text[..^1], 1000.0)
            : text.EndsWith('m') || text.EndsWith('M') ? (text[..^1], 60_000.0)
            : text.EndsWith('h') || text.EndsWith('H') ? (text[..^1], 3_600_000.0)
            : (text, 1000.0);
        if (!double.TryParse(number.TrimEnd(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)) return false;
        milliseconds = amount * scale;
        return true;
    }

    /// <summary>Formats a duration the way authors write it, e.g. <c>500ms</c> or <c>30s</c>.</summary>
    public static string Format(TimeSpan duration) =>
        duration < TimeSpan.FromSeconds(1)
            ? $"{duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms"
            : $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";
}
