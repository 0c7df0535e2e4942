using OpenClaw.Core.Definitions;

namespace OpenClaw.Server.Api;

/// <summary>Reads a workflow definition from a request body: JSON, or YAML when the content type says so.</summary>
internal static class DefinitionBody
{
    /// <exception cref="BadHttpRequestException">415 for a content type that is neither JSON, YAML nor plain text.</exception>
    public static async Task<(string Text, DefinitionFormat Format)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var yaml = mediaType is "application/yaml" or "application/x-yaml" or "text/yaml" or "text/x-yaml";
        var json = mediaType is "application/json" or "text/json" || mediaType?.EndsWith("+json", StringComparison.Ordinal) == true;
        if (mediaType is { Length: > 0 } && !yaml && !json && mediaType != "text/plain")
        {
            throw new BadHttpRequestException(
                $"Send the workflow definition as application/json or application/yaml (got '{mediaType}').", StatusCodes.Status415UnsupportedMediaType);
        }
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        var format = yaml ? DefinitionFormat.Yaml : json ? DefinitionFormat.Json : WorkflowDefinitionParser.DetectFormat(text);
        return (text, format);
    }
}
