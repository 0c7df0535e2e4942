using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Server.Security;

/// <summary>
/// Serialises a resource for the audit trail as the API shows it (snake_case JSON) with the values of secret-looking
/// fields (password, secret, token, key, credential, authorization) replaced by <c>"[redacted]"</c>, at any depth.
/// </summary>
public static class AuditRedaction
{
    public const string Redacted = "[redacted]";

    private static readonly string[] SecretWords = ["password", "secret", "token", "api_key", "apikey", "key_hash", "private_key", "credential", "authorization"];

    private static readonly JsonSerializerOptions Json = CreateOptions();

    /// <summary>The redacted JSON text of <paramref name="value"/>, or null.</summary>
    public static string? ToJson(object? value)
    {
        if (value is null) return null;
        var node = value switch
        {
            JsonNode n => n.DeepClone(),
            JsonElement e => JsonNode.Parse(e.GetRawText()),
            string s when LooksLikeJson(s) => TryParse(s),
            _ => JsonSerializer.SerializeToNode(value, value.GetType(), Json),
        };
        return node is null ? "null" : Redact(node).ToJsonString();
    }

    public static bool IsSecretName(string name) =>
        SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static JsonNode Redact(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (IsSecretName(name) && obj[name] is not null) obj[name] = Redacted;
                    else if (obj[name] is { } child) Redact(child);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                    if (item is not null) Redact(item);
                break;
        }
        return node;
    }

    private static bool LooksLikeJson(string s) => s.TrimStart() is ['{', ..] or ['[', ..];

    private static JsonNode? TryParse(string s)
    {
        try
        {
            return JsonNode.Parse(s);
        }
        catch (JsonException)
        {
            return JsonValue.Create(s);
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        Hosting.OpenClawComposition.ConfigureJson(options);
        return options;
    }
}
