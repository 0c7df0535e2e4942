using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Core.Definitions;

/// <summary>Implements <see cref="WorkflowValidator.BindInputs"/>.</summary>
internal static class InputBinder
{
    public static (JsonObject Inputs, IReadOnlyList<DefinitionError> Errors) Bind(WorkflowDefinition definition, JsonObject? supplied)
    {
        var bound = new JsonObject();
        var errors = new List<DefinitionError>();
        var declared = new HashSet<string>(StringComparer.Ordinal);

        foreach (var input in definition.Inputs)
        {
            if (!declared.Add(input.Name)) continue;
            string path = JsonPath.Property("$.inputs", input.Name);
            JsonNode? given = null;
            if (supplied is not null && supplied.TryGetPropertyValue(input.Name, out given) && given is not null)
            {
                var value = JsonSerializer.SerializeToElement(given);
                if (ValueTypes.Matches(value, input.Type))
                    bound[input.Name] = input.Type == ValueType.Integer ? Whole(value) ?? given.DeepClone() : given.DeepClone();
                else
                    errors.Add(new(path, $"Input '{input.Name}' must be {ValueTypes.Describe(input.Type)}, not {ObjectReader.Describe(value)}.", DefinitionErrorCodes.TypeMismatch));
            }
            else if (input.Default is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } fallback)
            {
                bound[input.Name] = JsonNode.Parse(fallback.GetRawText());
            }
            else if (input.Required)
            {
                errors.Add(new(path, $"Input '{input.Name}' is required{(input.Description is { Length: > 0 } d ? $" ({d})" : "")}.", DefinitionErrorCodes.MissingInput));
            }
        }

        if (supplied is not null)
        {
            foreach (var (name, _) in supplied)
            {
                if (declared.Contains(name)) continue;
                string hint = Suggestions.Hint(name, declared);
                string known = declared.Count == 0 ? " It declares no inputs." : $" Declared inputs: {string.Join(", ", declared)}.";
                errors.Add(new(JsonPath.Property("$.inputs", name), $"Workflow '{definition.Id}' has no input '{name}'.{hint}{known}", DefinitionErrorCodes.UnknownInput));
            }
        }

        return (bound, errors);
    }

    /// <summary>An integer input written as 4.0 is handed on as 4, so plugins reading it as a whole number do not fail.</summary>
    /// <remarks>Parsed from text rather than <c>JsonValue.Create(long)</c>, so readers may take it as int or long alike.</remarks>
    private static JsonNode? Whole(JsonElement value) =>
        value.TryGetInt64(out _) ? null
        : value.TryGetDecimal(out decimal exact) && exact >= long.MinValue && exact <= long.MaxValue
            ? JsonNode.Parse(((long)exact).ToString(CultureInfo.InvariantCulture))
            : null;
}
