using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Reads workflow definitions written in JSON or YAML into <see cref="WorkflowDefinition"/>, reporting every
/// structural problem (syntax, wrong types, missing or unknown keys, bad ids, durations and enum values) at once.
/// </summary>
/// <remarks>
/// Parsing checks each field on its own. Whether the parts fit together (edges, ids, plugins, expressions) is
/// checked by <see cref="WorkflowValidator"/>; <see cref="WorkflowValidator.ParseAndValidate"/> does both.
/// </remarks>
public static partial class WorkflowDefinitionParser
{
    // Definitions are written by hand: tolerate comments and trailing commas rather than fail on them.
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses <paramref name="text"/> written in <paramref name="format"/>.</summary>
    /// <returns>The definition, or every error found (syntax errors carry line and column).</returns>
    public static DefinitionParseResult Parse(string text, DefinitionFormat format)
    {
        var (definition, errors) = ParsePartial(text, format);
        return DefinitionParseResult.Of(definition, errors);
    }

    /// <summary>Parses a definition already held as JSON (e.g. from a request body or a database column).</summary>
    /// <remarks>The element is cloned, so the caller may dispose its document afterwards.</remarks>
    public static DefinitionParseResult Parse(JsonElement root)
    {
        var errors = new List<DefinitionError>();
        var definition = new DefinitionReader(errors).ReadWorkflow(root);
        return DefinitionParseResult.Of(definition, errors);
    }

    /// <summary>
    /// Guesses the format from a file name (<c>.json</c>, <c>.yaml</c>, <c>.yml</c>) or, failing that, from the text:
    /// JSON when the first non-blank character is <c>{</c> or <c>[</c>, else YAML.
    /// </summary>
    public static DefinitionFormat DetectFormat(string fileNameOrText)
    {
        ArgumentNullException.ThrowIfNull(fileNameOrText);
        string trimmed = fileNameOrText.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (trimmed.Length > 0 && trimmed[0] is '{' or '[') return DefinitionFormat.Json;
        if (!fileNameOrText.Contains('\n', StringComparison.Ordinal))
        {
            if (fileNameOrText.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return DefinitionFormat.Json;
            if (fileNameOrText.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || fileNameOrText.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                return DefinitionFormat.Yaml;
        }

        return DefinitionFormat.Yaml;
    }

    /// <summary>
    /// The best-effort definition with every structural error, for validation to continue from. The definition is
    /// null only when the text could not be read as an object at all.
    /// </summary>
    internal static (WorkflowDefinition? Definition, List<DefinitionError> Errors) ParsePartial(string text, DefinitionFormat format)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<DefinitionError>();
        JsonElement? root = format switch
        {
            DefinitionFormat.Json => ReadJson(text, errors),
            DefinitionFormat.Yaml => ReadYaml(text, errors),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown definition format."),
        };
        var definition = root is null ? null : new DefinitionReader(errors).ReadWorkflow(root.Value);
        return (definition, errors);
    }

    private static JsonElement? ReadJson(string text, List<DefinitionError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new(JsonPath.Root, "The definition is empty.", DefinitionErrorCodes.Syntax));
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text, JsonOptions);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            long line = (ex.LineNumber ?? 0) + 1;
            long column = (ex.BytePositionInLine ?? 0) + 1;
            errors.Add(new(JsonPath.Root, $"Invalid JSON at line {line}, column {column}: {CleanJsonMessage(ex.Message)}", DefinitionErrorCodes.Syntax));
            return null;
        }
    }

    private static JsonElement? ReadYaml(string text, List<DefinitionError> errors)
    {
        var node = YamlToJson.Convert(text, errors, out bool readable);
        if (!readable) return null;
        try
        {
            using var document = JsonDocument.Parse(node?.ToJsonString() ?? "null");
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            // Not expected (the converter bounds depth and size), but a definition must never crash the caller.
            errors.Add(new(JsonPath.Root, $"The YAML document cannot be represented as JSON: {CleanJsonMessage(ex.Message)}", DefinitionErrorCodes.Syntax));
            return null;
        }
    }

    /// <summary>System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 4."; the caller says where already.</summary>
    private static string CleanJsonMessage(string message)
    {
        string cleaned = JsonPosition().Replace(message, "").Trim();
        return cleaned.EndsWith('.') ? cleaned : cleaned + ".";
    }

    [GeneratedRegex(@"\s*(Path: [^|]*\|)?\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?")]
    private static partial Regex JsonPosition();
}
