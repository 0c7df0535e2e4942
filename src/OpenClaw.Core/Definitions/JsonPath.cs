using System.Text.RegularExpressions;

namespace OpenClaw.Core.Definitions;

/// <summary>Builds the JSONPath-like locations used in <see cref="DefinitionError.Path"/> and <see cref="StepDefinition.Path"/>.</summary>
internal static partial class JsonPath
{
    public const string Root = "$";

    /// <summary><c>$.a.b</c> for plain keys, <c>$['odd key']</c> for anything else.</summary>
    public static string Property(string path, string key) =>
        PlainKey().IsMatch(key) ? $"{path}.{key}" : $"{path}['{key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Index(string path, int index) => $"{path}[{index}]";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex PlainKey();
}
