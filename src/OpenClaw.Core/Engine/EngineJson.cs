using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Core.Engine;

/// <summary>JSON helpers shared by the engine.</summary>
internal static class EngineJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static JsonElement ToElement(JsonNode? node) =>
        node is null ? Null : JsonSerializer.SerializeToElement(node, Options);

    public static JsonElement Null { get; } = JsonDocument.Parse("null").RootElement.Clone();

    public static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement.Clone();
}
