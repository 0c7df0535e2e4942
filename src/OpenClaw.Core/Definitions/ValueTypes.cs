using System.Text.Json;

namespace OpenClaw.Core.Definitions;

/// <summary>Matches JSON values against declared <see cref="ValueType"/>s, shared by default checks and input binding.</summary>
internal static class ValueTypes
{
    public static bool Matches(JsonElement value, ValueType type) => type switch
    {
        ValueType.Any => true,
        ValueType.String => value.ValueKind == JsonValueKind.String,
        ValueType.Number => value.ValueKind == JsonValueKind.Number,
        ValueType.Integer => value.ValueKind == JsonValueKind.Number && IsWhole(value),
        ValueType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        ValueType.Object => value.ValueKind == JsonValueKind.Object,
        ValueType.Array => value.ValueKind == JsonValueKind.Array,
        _ => false,
    };

    /// <summary>"a string", "an integer", ... for messages.</summary>
    public static string Describe(ValueType type) => type switch
    {
        ValueType.Any => "any value",
        ValueType.Integer => "an integer",
        ValueType.Object => "an object",
        ValueType.Array => "an array",
        _ => "a " + type.ToString().ToLowerInvariant(),
    };

    private static bool IsWhole(JsonElement value)
    {
        if (value.TryGetDecimal(out decimal exact)) return exact == decimal.Truncate(exact);
        return value.TryGetDouble(out double approximate) && double.IsFinite(approximate) && Math.Floor(approximate) == approximate;
    }
}
