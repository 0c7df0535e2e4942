using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Reads and writes the durations used by <c>timeout</c>, retry delays and delay steps. Shared with the engine,
/// which parses a delay's <c>duration</c> only after its template is resolved.
/// </summary>
/// <remarks>
/// Accepted forms: a number of seconds (<c>30</c>, <c>0.5</c>); unit suffixes <c>ms</c>, <c>s</c>, <c>m</c>,
/// <c>h</c>, <c>d</c>, optionally combined (<c>250ms</c>, <c>5m</c>, <c>1h30m</c>); ISO-8601 durations with
/// weeks, days and time parts (<c>PT5M</c>, <c>P1DT2H</c>). Years and months are rejected because they have no
/// fixed length. Negative durations are never valid.
/// </remarks>
public static partial class DurationParser
{
    private const decimal TicksPerMillisecond = TimeSpan.TicksPerMillisecond;
    private const decimal TicksPerSecond = TimeSpan.TicksPerSecond;
    private const decimal TicksPerMinute = TimeSpan.TicksPerMinute;
    private const decimal TicksPerHour = TimeSpan.TicksPerHour;
    private const decimal TicksPerDay = TimeSpan.TicksPerDay;

    /// <summary>Parses <paramref name="text"/>, or explains why it is not a duration.</summary>
    /// <param name="text">The duration as written.</param>
    /// <param name="value">The duration, when valid.</param>
    /// <param name="error">A plain explanation, when not.</param>
    public static bool TryParse(string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        string trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "A duration cannot be empty.";
            return false;
        }

        decimal ticks;
        try
        {
            if (SecondsOnly().IsMatch(trimmed))
            {
                ticks = decimal.Parse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * TicksPerSecond;
            }
            else if (trimmed[0] is 'P' or 'p')
            {
                if (!TryParseIso(trimmed, out ticks, out error)) return false;
            }
            else if (!TryParseUnits(trimmed, out ticks))
            {
                error = $"'{trimmed}' is not a duration. Use seconds (30), a unit (250ms, 30s, 5m, 2h, 1d, 1h30m) or ISO-8601 (PT5M).";
                return false;
            }
        }
        catch (OverflowException)
        {
            ticks = decimal.MaxValue;
        }

        return TryToTimeSpan(ticks, trimmed, out value, out error);
    }

    /// <summary>Parses <paramref name="text"/>; returns false when it is not a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The text is not a duration; the message says why.</exception>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Converts a JSON number of seconds, the short form of every duration field.</summary>
    public static bool TryFromSeconds(decimal seconds, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        if (seconds < 0)
        {
            error = $"A duration cannot be negative ({seconds.ToString(CultureInfo.InvariantCulture)}).";
            return false;
        }

        decimal ticks = seconds > TimeSpan.MaxValue.Ticks / TicksPerSecond ? decimal.MaxValue : seconds * TicksPerSecond;
        return TryToTimeSpan(ticks, seconds.ToString(CultureInfo.InvariantCulture), out value, out error);
    }

    /// <summary>
    /// The shortest unit form that reads back to exactly <paramref name="value"/> (<c>30s</c>, <c>1h30m</c>,
    /// <c>250ms</c>); sub-millisecond values use ISO-8601 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(value), value, "Durations are never negative.");
        if (value == TimeSpan.Zero) return "0s";
        if (value.Ticks % TimeSpan.TicksPerMillisecond != 0)
            return "PT" + (value.Ticks / TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "S";

        var text = new StringBuilder();
        if (value.Days > 0) text.Append(CultureInfo.InvariantCulture, $"{value.Days}d");
        if (value.Hours > 0) text.Append(CultureInfo.InvariantCulture, $"{value.Hours}h");
        if (value.Minutes > 0) text.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        if (value.Seconds > 0) text.Append(CultureInfo.InvariantCulture, $"{value.Seconds}s");
        if (value.Milliseconds > 0) text.Append(CultureInfo.InvariantCulture, $"{value.Milliseconds}ms");
        return text.ToString();
    }

    private static bool TryParseUnits(string text, out decimal ticks)
    {
        ticks = 0;
        var match = UnitForm().Match(text);
        if (!match.Success) return false;
        var numbers = match.Groups["n"].Captures;
        var units = match.Groups["u"].Captures;
        for (int i = 0; i < numbers.Count; i++)
        {
            decimal n = decimal.Parse(numbers[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            ticks += n * units[i].Value.ToLowerInvariant() switch
            {
                "ms" => TicksPerMillisecond,
                "s" => TicksPerSecond,
                "m" => TicksPerMinute,
                "h" => TicksPerHour,
                _ => TicksPerDay,
            };
        }

        return true;
    }

    private static bool TryParseIso(string text, out decimal ticks, [NotNullWhen(false)] out string? error)
    {
        ticks = 0;
        var match = IsoForm().Match(text);
        if (!match.Success || text.EndsWith('T') || text.EndsWith('t') || text.Length == 1)
        {
            error = IsoCalendar().IsMatch(text)
                ? $"'{text}' uses years or months, which have no fixed length; use days (P30D) instead."
                : $"'{text}' is not an ISO-8601 duration such as PT30S, PT5M or P1DT2H.";
            return false;
        }

        ticks = Part(match, "w") * 7 * TicksPerDay + Part(match, "d") * TicksPerDay + Part(match, "h") * TicksPerHour
            + Part(match, "m") * TicksPerMinute + Part(match, "s") * TicksPerSecond;
        error = null;
        return true;
    }

    private static decimal Part(Match match, string group) =>
        match.Groups[group].Success ? decimal.Parse(match.Groups[group].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) : 0;

    private static bool TryToTimeSpan(decimal ticks, string text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            error = $"'{text}' is too long a duration.";
            return false;
        }

        value = TimeSpan.FromTicks((long)decimal.Round(ticks, MidpointRounding.AwayFromZero));
        error = null;
        return true;
    }

    [GeneratedRegex(@"^[0-9]{1,20}(\.[0-9]{1,9})?$")]
    private static partial Regex SecondsOnly();

    [GeneratedRegex(@"^(?:(?<n>[0-9]{1,20}(?:\.[0-9]{1,9})?)\s*(?<u>ms|s|m|h|d)\s*)+$", RegexOptions.IgnoreCase)]
    private static partial Regex UnitForm();

    [GeneratedRegex(@"^P(?:(?<w>[0-9]{1,20}(?:\.[0-9]{1,9})?)W)?(?:(?<d>[0-9]{1,20}(?:\.[0-9]{1,9})?)D)?(?:T(?:(?<h>[0-9]{1,20}(?:\.[0-9]{1,9})?)H)?(?:(?<m>[0-9]{1,20}(?:\.[0-9]{1,9})?)M)?(?:(?<s>[0-9]{1,20}(?:\.[0-9]{1,9})?)S)?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoForm();

    [GeneratedRegex(@"^P[0-9.]*Y|^P(?:[0-9.]+[YW])*[0-9.]+M", RegexOptions.IgnoreCase)]
    private static partial Regex IsoCalendar();
}
