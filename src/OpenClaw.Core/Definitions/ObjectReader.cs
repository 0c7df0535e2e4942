using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Reads the fields of one JSON object, recording a <see cref="DefinitionError"/> for each wrong type, missing
/// field or unknown key instead of throwing, so one pass reports every structural problem.
/// </summary>
/// <remarks>A JSON <c>null</c> counts as absent, which is what YAML's empty value (<c>key:</c>) means.</remarks>
internal sealed partial class ObjectReader
{
    private readonly Dictionary<string, JsonElement> fields;
    private readonly List<DefinitionError> errors;

    private ObjectReader(string path, Dictionary<string, JsonElement> fields, List<DefinitionError> errors)
    {
        Path = path;
        this.fields = fields;
        this.errors = errors;
    }

    /// <summary>Where this object is.</summary>
    public string Path { get; }

    /// <summary>Opens <paramref name="element"/> as an object whose keys must be among <paramref name="knownKeys"/>.</summary>
    /// <param name="what">The object's role for messages, e.g. "a step".</param>
    /// <returns>Null (with an error recorded) when the element is not an object.</returns>
    public static ObjectReader? Open(JsonElement element, string path, string what, IReadOnlyCollection<string> knownKeys, List<DefinitionError> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(path, $"{Capitalize(what)} must be an object, not {Describe(element)}.", DefinitionErrorCodes.InvalidType));
            return null;
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            string propertyPath = JsonPath.Property(path, property.Name);
            if (!seen.Add(property.Name))
            {
                errors.Add(new(propertyPath, $"Key '{property.Name}' is given twice.", DefinitionErrorCodes.DuplicateKey));
            }
            else if (!knownKeys.Contains(property.Name))
            {
                errors.Add(new(propertyPath, $"Unknown key '{property.Name}' in {what}.{Suggestions.Hint(property.Name, knownKeys)} Known keys: {string.Join(", ", knownKeys)}.", DefinitionErrorCodes.UnknownField));
            }
            else
            {
                fields[property.Name] = property.Value;
            }
        }

        return new ObjectReader(path, fields, errors);
    }

    public string PathOf(string key) => JsonPath.Property(Path, key);

    /// <summary>The value of <paramref name="key"/>, or null when absent or JSON null.</summary>
    public JsonElement? Get(string key) =>
        fields.TryGetValue(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public void Error(string key, string message, string code) => errors.Add(new(PathOf(key), message, code));

    /// <summary>Reports a missing required field and returns null, or returns the present value.</summary>
    public JsonElement? Require(string key, string what)
    {
        var value = Get(key);
        if (value is null) errors.Add(new(Path, $"Missing required '{key}' ({what}).", DefinitionErrorCodes.MissingField));
        return value;
    }

    public string? String(string key, bool required = false, string what = "text")
    {
        var value = required ? Require(key, what) : Get(key);
        if (value is null) return null;
        if (value.Value.ValueKind == JsonValueKind.String) return value.Value.GetString();
        WrongType(key, value.Value, "a string");
        return null;
    }

    /// <summary>A string that must match <paramref name="pattern"/> (an id or a name).</summary>
    public string? Identifier(string key, Regex pattern, string rule, bool required = false, string what = "an id")
    {
        string? value = String(key, required, what);
        if (value is not null && !pattern.IsMatch(value))
            Error(key, $"'{value}' is not a valid {key}: {rule}.", DefinitionErrorCodes.InvalidValue);
        return value;
    }

    public int? Int(string key, int minimum)
    {
        var value = Get(key);
        if (value is null) return null;
        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetDecimal(out decimal number) || number != decimal.Truncate(number))
        {
            WrongType(key, value.Value, "a whole number");
            return null;
        }

        if (number < minimum || number > int.MaxValue)
        {
            string message = number < minimum
                ? $"'{key}' must be at least {minimum}, not {number.ToString(CultureInfo.InvariantCulture)}."
                : $"'{key}' is too large; the most allowed is {int.MaxValue}.";
            Error(key, message, DefinitionErrorCodes.InvalidValue);
            return null;
        }

        return (int)number;
    }

    public bool? Bool(string key)
    {
        var value = Get(key);
        if (value is null) return null;
        if (value.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.Value.GetBoolean();
        WrongType(key, value.Value, "true or false");
        return null;
    }

    /// <summary>A duration written as seconds or as text (see <see cref="DurationParser"/>).</summary>
    public TimeSpan? Duration(string key, bool allowZero)
    {
        var value = Get(key);
        if (value is null) return null;
        TimeSpan duration;
        string? error;
        if (value.Value.ValueKind == JsonValueKind.Number)
        {
            if (!value.Value.TryGetDecimal(out decimal seconds)) seconds = decimal.MaxValue;
            if (!DurationParser.TryFromSeconds(seconds, out duration, out error))
            {
                Error(key, error, DefinitionErrorCodes.InvalidValue);
                return null;
            }
        }
        else if (value.Value.ValueKind == JsonValueKind.String)
        {
            if (!DurationParser.TryParse(value.Value.GetString(), out duration, out error))
            {
                Error(key, error, DefinitionErrorCodes.InvalidValue);
                return null;
            }
        }
        else
        {
            WrongType(key, value.Value, "a duration such as 30s, 5m or PT5M");
            return null;
        }

        if (!allowZero && duration == TimeSpan.Zero)
        {
            Error(key, $"'{key}' must be longer than zero.", DefinitionErrorCodes.InvalidValue);
            return null;
        }

        return duration;
    }

    /// <summary>An enum written in snake_case, e.g. <c>fail_fast</c>; case, dashes and underscores are not significant.</summary>
    public TEnum? Enum<TEnum>(string key, bool required = false, string what = "a kind")
        where TEnum : struct, Enum
    {
        string? text = String(key, required, what);
        if (text is null) return null;
        string wanted = Squash(text);
        foreach (var candidate in System.Enum.GetValues<TEnum>())
        {
            if (Squash(candidate.ToString()) == wanted) return candidate;
        }

        var names = System.Enum.GetValues<TEnum>().Select(v => SnakeCase(v.ToString())).ToList();
        Error(key, $"'{text}' is not a valid {key}.{Suggestions.Hint(text, names)} Use one of: {string.Join(", ", names)}.", DefinitionErrorCodes.InvalidValue);
        return null;
    }

    /// <summary>A list of non-empty, distinct strings; a single string is accepted when <paramref name="allowSingle"/>.</summary>
    public IReadOnlyList<string>? StringList(string key, bool allowSingle)
    {
        var value = Get(key);
        if (value is null) return null;
        if (allowSingle && value.Value.ValueKind == JsonValueKind.String)
        {
            string single = value.Value.GetString()!;
            if (single.Length > 0) return [single];
            Error(key, "A step id cannot be empty.", DefinitionErrorCodes.InvalidValue);
            return [];
        }

        if (value.Value.ValueKind != JsonValueKind.Array)
        {
            WrongType(key, value.Value, allowSingle ? "a step id or a list of step ids" : "a list of step ids");
            return null;
        }

        var result = new List<string>();
        int index = 0;
        foreach (var item in value.Value.EnumerateArray())
        {
            string itemPath = JsonPath.Index(PathOf(key), index++);
            if (item.ValueKind != JsonValueKind.String)
                errors.Add(new(itemPath, $"Expected a step id (a string), not {Describe(item)}.", DefinitionErrorCodes.InvalidType));
            else if (item.GetString() is not { Length: > 0 } id)
                errors.Add(new(itemPath, "A step id cannot be empty.", DefinitionErrorCodes.InvalidValue));
            else if (result.Contains(id, StringComparer.Ordinal))
                errors.Add(new(itemPath, $"'{id}' is listed twice.", DefinitionErrorCodes.InvalidValue));
            else
                result.Add(id);
        }

        return result;
    }

    public JsonElement? Object(string key, string what)
    {
        var value = Get(key);
        if (value is null || value.Value.ValueKind == JsonValueKind.Object) return value;
        WrongType(key, value.Value, what);
        return null;
    }

    public JsonElement? Array(string key, bool required = false, string what = "a list")
    {
        var value = required ? Require(key, what) : Get(key);
        if (value is null || value.Value.ValueKind == JsonValueKind.Array) return value;
        WrongType(key, value.Value, what);
        return null;
    }

    /// <summary>An object of name to any JSON value (outputs, vars, set); names must be usable in expressions.</summary>
    public IReadOnlyDictionary<string, JsonElement> Map(string key)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var value = Object(key, "an object of names to values");
        if (value is null) return result;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.Value.EnumerateObject())
        {
            string propertyPath = JsonPath.Property(PathOf(key), property.Name);
            if (!seen.Add(property.Name))
                errors.Add(new(propertyPath, $"Key '{property.Name}' is given twice.", DefinitionErrorCodes.DuplicateKey));
            else if (!Name().IsMatch(property.Name))
                errors.Add(new(propertyPath, $"'{property.Name}' is not a valid name: {NameRule}.", DefinitionErrorCodes.InvalidValue));
            else
                result[property.Name] = property.Value;
        }

        return result;
    }

    /// <summary>Ids of steps and names of inputs, outputs and variables.</summary>
    public const string NameRule = "start with a letter or underscore, then letters, digits, '_' or '-'";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    public static partial Regex Name();

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string \"{Truncate(element.GetString()!)}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        _ => "null",
    };

    public static string SnakeCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    private void WrongType(string key, JsonElement value, string expected) =>
        Error(key, $"'{key}' must be {expected}, not {Describe(value)}.", DefinitionErrorCodes.InvalidType);

    private static string Squash(string text) =>
        new(text.Where(c => c is not ('_' or '-' or ' ')).Select(char.ToLowerInvariant).ToArray());

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
