using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Http;

/// <summary>A resolved secret to attach to the request: a header, or a query parameter for APIs that want the key there.</summary>
internal sealed record HttpAuth(string Name, string Value, bool InQuery);

/// <summary>
/// Turns the <c>auth</c> input into a header or query parameter. Accepts a stored credential,
/// <c>{ "credential": "name" }</c>, or inline values, <c>{ "type": "bearer", "token": "..." }</c>.
/// </summary>
/// <remarks>
/// Credential types and their values: <c>basic</c> (<c>username</c>, <c>password</c>), <c>bearer</c> (<c>token</c>),
/// <c>api-key</c> (<c>value</c>; <c>name</c> or <c>header</c> for the header name, default <c>X-API-Key</c>; <c>in</c>:
/// <c>header</c> or <c>query</c>). Messages name the credential and the missing field, never a secret value.
/// </remarks>
internal static class HttpAuthentication
{
    public const string DefaultApiKeyName = "X-API-Key";

    public static async ValueTask<HttpAuth?> ResolveAsync(JsonNode? auth, PluginContext context, CancellationToken cancellationToken)
    {
        switch (auth)
        {
            case null:
                return null;
            case JsonObject obj when obj.ContainsKey("credential"):
                var name = PluginInputs.AsString(obj["credential"]);
                if (string.IsNullOrWhiteSpace(name)) throw PluginInputs.Invalid("input 'auth': 'credential' must be a credential name");
                var credential = await context.GetCredentialAsync(name, cancellationToken).ConfigureAwait(false)
                    ?? throw PluginInputs.Invalid($"input 'auth': credential '{name}' was not found or is not granted to this step");
                return FromValues(credential.Type, key => Lookup(credential.Values, key), $"credential '{name}'");
            case JsonObject obj when obj.ContainsKey("type"):
                var type = PluginInputs.AsString(obj["type"]) ?? "";
                return FromValues(type, key => PluginInputs.ScalarText(obj[key]), "input 'auth'");
            default:
                throw PluginInputs.Invalid(
                    "input 'auth' must be { \"credential\": \"name\" } or inline values such as { \"type\": \"bearer\", \"token\": \"...\" }");
        }
    }

    private static HttpAuth FromValues(string type, Func<string, string?> value, string source)
    {
        string Require(string key) =>
            value(key) is { Length: > 0 } found ? found : throw PluginInputs.Invalid($"{source} ({type}) has no '{key}'");

        switch (type.Trim().ToLowerInvariant())
        {
            case "basic" or "http_basic":
                var username = Require("username");
                var password = value("password") ?? "";
                var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
                return new HttpAuth("Authorization", "Basic " + encoded, InQuery: false);
            case "bearer":
                return new HttpAuth("Authorization", "Bearer " + Require("token"), InQuery: false);
            case "api-key" or "apikey" or "api_key":
                var key = Require("value");
                var name = value("name") ?? value("header") ?? DefaultApiKeyName;
                var location = value("in")?.ToLowerInvariant() ?? "header";
                if (location is not ("header" or "query"))
                    throw PluginInputs.Invalid($"{source} (api-key): 'in' must be header or query; got '{location}'");
                if (key.AsSpan().IndexOfAny('\r', '\n') >= 0)
                    throw PluginInputs.Invalid($"{source} (api-key): the value contains a line break");
                return new HttpAuth(name, key, InQuery: location == "query");
            default:
                throw PluginInputs.Invalid($"{source}: unsupported auth type '{type}'; expected basic, bearer or api-key");
        }
    }

    private static string? Lookup(IReadOnlyDictionary<string, string> values, string key)
    {
        if (values.TryGetValue(key, out var exact)) return exact;
        foreach (var (name, value) in values)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase)) return value;
        }
        return null;
    }
}
