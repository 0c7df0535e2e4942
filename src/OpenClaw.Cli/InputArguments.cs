using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Cli;

/// <summary>Parses <c>--input name=value</c> pairs: a value that is valid JSON keeps its type, anything else is a string.</summary>
internal static class InputArguments
{
    public static JsonObject Parse(IEnumerable<string> pairs)
    {
        var inputs = new JsonObject();
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"--input '{pair}' must look like name=value.");
            var name = pair[..eq];
            var text = pair[(eq + 1)..];
            inputs[name] = ParseValue(text);
        }
        return inputs;
    }

    private static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
