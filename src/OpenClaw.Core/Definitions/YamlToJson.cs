using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Turns a YAML document into a JSON tree so YAML and JSON definitions go through one reader. Follows the YAML 1.2
/// core schema: plain scalars become null, booleans and numbers when they look like them; quoted and block scalars
/// stay strings. Anchors and aliases are expanded; merge keys (<c>&lt;&lt;</c>) are honoured.
/// </summary>
internal sealed partial class YamlToJson
{
    // Alias expansion copies subtrees; cap the total so a "billion laughs" document cannot exhaust memory.
    private const int MaxNodes = 1_000_000;

    // The same nesting bound System.Text.Json applies to JSON definitions; also keeps the recursive reader off the stack limit.
    internal const int MaxDepth = 64;

    private const string TagPrefix = "tag:yaml.org,2002:";

    private readonly List<DefinitionError> errors;
    private readonly Dictionary<string, (JsonNode? Node, int Size)> anchors = new(StringComparer.Ordinal);
    private int nodes;

    private YamlToJson(List<DefinitionError> errors) => this.errors = errors;

    /// <summary>The document's tree, or null (with an error added) when it cannot be read.</summary>
    public static JsonNode? Convert(string text, List<DefinitionError> errors, out bool readable)
    {
        var converter = new YamlToJson(errors);
        var parser = new Parser(new StringReader(text));
        readable = false;
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                errors.Add(new(JsonPath.Root, "The definition is empty.", DefinitionErrorCodes.Syntax));
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = converter.ReadNode(parser, JsonPath.Root, 1);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var next))
            {
                errors.Add(new(JsonPath.Root, $"A definition holds one YAML document, but another starts at line {next.Start.Line}.", DefinitionErrorCodes.Syntax));
                return null;
            }

            readable = true;
            return root;
        }
        catch (YamlException ex)
        {
            errors.Add(new(JsonPath.Root, $"Invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {Describe(ex)}", DefinitionErrorCodes.Syntax));
            return null;
        }
        catch (TooLargeException)
        {
            errors.Add(new(JsonPath.Root, $"The document expands to more than {MaxNodes} values through aliases.", DefinitionErrorCodes.Syntax));
            return null;
        }
        catch (TooDeepException ex)
        {
            errors.Add(new(ex.Path, $"Line {ex.Line}: the document is nested more than {MaxDepth} levels deep.", DefinitionErrorCodes.Syntax));
            return null;
        }
    }

    private JsonNode? ReadNode(IParser parser, string path, int depth)
    {
        if (++nodes > MaxNodes) throw new TooLargeException();
        if (depth > MaxDepth) throw new TooDeepException(path, parser.Current?.Start.Line ?? 0);
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
            {
                errors.Add(new(path, $"Line {alias.Start.Line}: alias *{alias.Value.Value} refers to no anchor defined before it.", DefinitionErrorCodes.Syntax));
                return null;
            }

            nodes += anchored.Size;
            if (nodes > MaxNodes) throw new TooLargeException();
            return anchored.Node?.DeepClone();
        }

        int before = nodes;
        JsonNode? node;
        AnchorName anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = scalar.Anchor;
            node = ReadScalar(scalar, path);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            anchor = sequence.Anchor;
            var array = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
                array.Add(ReadNode(parser, JsonPath.Index(path, array.Count), depth + 1));
            node = array;
        }
        else
        {
            var mapping = parser.Consume<MappingStart>();
            anchor = mapping.Anchor;
            node = ReadMapping(parser, path, depth);
        }

        if (!anchor.IsEmpty) anchors[anchor.Value] = (node, nodes - before);
        return node;
    }

    private JsonObject ReadMapping(IParser parser, string path, int depth)
    {
        var result = new JsonObject();
        var lines = new Dictionary<string, long>(StringComparer.Ordinal);
        var merges = new List<JsonObject>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            if (!parser.TryConsume<Scalar>(out var key))
            {
                var start = parser.Current?.Start ?? Mark.Empty;
                errors.Add(new(path, $"Line {start.Line}: keys must be plain text, not lists or mappings.", DefinitionErrorCodes.InvalidType));
                ReadNode(parser, path, depth + 1);
                ReadNode(parser, path, depth + 1);
                continue;
            }

            if (key.Value == "<<" && key.Style == ScalarStyle.Plain)
            {
                CollectMerges(ReadNode(parser, JsonPath.Property(path, "<<"), depth + 1), path, key, merges);
                continue;
            }

            string keyPath = JsonPath.Property(path, key.Value);
            var value = ReadNode(parser, keyPath, depth + 1);
            if (lines.TryGetValue(key.Value, out long firstLine))
            {
                errors.Add(new(keyPath, $"Line {key.Start.Line}: key '{key.Value}' is already given at line {firstLine}.", DefinitionErrorCodes.DuplicateKey));
                continue;
            }

            lines[key.Value] = key.Start.Line;
            result[key.Value] = value;
        }

        // Explicit keys win over merged ones, and earlier merge sources over later ones (YAML merge-key rules).
        foreach (var source in merges)
        {
            foreach (var (name, value) in source)
            {
                if (!result.ContainsKey(name)) result[name] = value?.DeepClone();
            }
        }

        return result;
    }

    private void CollectMerges(JsonNode? value, string path, Scalar key, List<JsonObject> merges)
    {
        if (value is JsonObject single)
        {
            merges.Add(single);
        }
        else if (value is JsonArray list && list.All(item => item is JsonObject))
        {
            merges.AddRange(list.Cast<JsonObject>());
        }
        else
        {
            errors.Add(new(path, $"Line {key.Start.Line}: a merge key (<<) takes a mapping or a list of mappings.", DefinitionErrorCodes.InvalidType));
        }
    }

    private JsonNode? ReadScalar(Scalar scalar, string path)
    {
        string text = scalar.Value;
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific)
        {
            string tag = scalar.Tag.Value;
            string? kind = tag.StartsWith(TagPrefix, StringComparison.Ordinal) ? tag[TagPrefix.Length..] : null;
            switch (kind)
            {
                case "str":
                    return JsonValue.Create(text);
                case "null" when NullForm().IsMatch(text):
                    return null;
                case "bool" when TryBool(text, out bool flag):
                    return JsonValue.Create(flag);
                case "int" when TryInteger(text, out var integer):
                    return integer;
                case "float" when TryFloat(text, path, scalar, out var number) || TryInteger(text, out number):
                    return number;
                case "null" or "bool" or "int" or "float":
                    errors.Add(new(path, $"Line {scalar.Start.Line}: '{text}' is not a valid !!{kind}.", DefinitionErrorCodes.InvalidValue));
                    return JsonValue.Create(text);
                default:
                    errors.Add(new(path, $"Line {scalar.Start.Line}: tag '{tag}' is not supported; only the standard !!str, !!int, !!float, !!bool and !!null are.", DefinitionErrorCodes.InvalidValue));
                    return JsonValue.Create(text);
            }
        }

        if (scalar.Style != ScalarStyle.Plain || scalar.Tag.IsNonSpecific) return JsonValue.Create(text);
        if (NullForm().IsMatch(text)) return null;
        if (TryBool(text, out bool boolean)) return JsonValue.Create(boolean);
        if (TryInteger(text, out var whole)) return whole;
        if (TryFloat(text, path, scalar, out var fraction)) return fraction;
        return JsonValue.Create(text);
    }

    private static bool TryBool(string text, out bool value)
    {
        value = text is "true" or "True" or "TRUE";
        return value || text is "false" or "False" or "FALSE";
    }

    private static bool TryInteger(string text, out JsonNode? value)
    {
        value = null;
        if (DecimalInteger().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long small)) value = JsonValue.Create(small);
            else if (decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out decimal big)) value = JsonValue.Create(big);
            else value = JsonValue.Create(double.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            return true;
        }

        try
        {
            if (text.StartsWith("0x", StringComparison.Ordinal) && text.Length > 2 && text[2..].All(char.IsAsciiHexDigit))
                value = JsonValue.Create(System.Convert.ToInt64(text[2..], 16));
            else if (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2 && text[2..].All(c => c is >= '0' and <= '7'))
                value = JsonValue.Create(System.Convert.ToInt64(text[2..], 8));
        }
        catch (OverflowException)
        {
            return false;
        }

        return value is not null;
    }

    private bool TryFloat(string text, string path, Scalar scalar, out JsonNode? value)
    {
        value = null;
        if (SpecialFloat().IsMatch(text))
        {
            errors.Add(new(path, $"Line {scalar.Start.Line}: '{text}' (infinity or not-a-number) cannot be represented in JSON; quote it to keep it as text.", DefinitionErrorCodes.InvalidValue));
            value = JsonValue.Create(text);
            return true;
        }

        if (!FloatForm().IsMatch(text)) return false;

        // Decimal keeps the digits as written ("1.50" stays 1.50), which keeps YAML and JSON definitions identical.
        value = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal exact)
            ? JsonValue.Create(exact)
            : JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        return true;
    }

    private static string Describe(YamlException ex)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the caller already says where.
        string message = ex.Message;
        int cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    [GeneratedRegex("^(~|null|Null|NULL|)$")]
    private static partial Regex NullForm();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatForm();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex SpecialFloat();

    private sealed class TooLargeException : Exception;

    private sealed class TooDeepException(string path, long line) : Exception
    {
        public string Path { get; } = path;

        public long Line { get; } = line;
    }
}
