using OpenClaw.Core.Definitions;

namespace OpenClaw.Server.Api;

/// <summary>Reads a workflow definition from a request body: JSON, or YAML when the content type says so.</summary>
internal static class DefinitionBody
{
    public static async Task<(string Text, DefinitionFormat Format)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var format = mediaType is "application/yaml" or "application/x-yaml" or "text/yaml" or "text/x-yaml"
            ? DefinitionFormat.Yaml
            : mediaType is "application/json" or "text/json" ? DefinitionFormat.Json : WorkflowDefinitionParser.DetectFormat(text);
        return (text, format);
    }
}
