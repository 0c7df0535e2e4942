using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Server.Security;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.OpenApi;

/// <summary>The OpenAPI documents and the browsable page, checked against the endpoints the app really maps.</summary>
public sealed partial class OpenApiDocumentTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<JsonElement> DocumentAsync(string version)
    {
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await anonymous.GetAsync($"openapi/{version}.json");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }

    /// <summary>Every (method, OpenAPI path) the app maps under <paramref name="prefix"/>, read from its EndpointDataSource.</summary>
    private List<(string Method, string Path, string? Permission)> MappedEndpoints(string prefix) =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m =>
                (m.ToLowerInvariant(), ToOpenApiPath(e.RoutePattern.RawText!), e.Metadata.GetMetadata<RequiredPermission>()?.Permission)))
            .Distinct()
            .ToList();

    /// <summary><c>/api/v2/executions/{id:guid}/</c> → <c>/api/v2/executions/{id}</c>.</summary>
    private static string ToOpenApiPath(string pattern)
    {
        var path = Constraint().Replace(pattern, "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")]
    private static partial Regex Constraint();

    [Fact]
    public async Task V2Document_ListsEveryMappedV2Endpoint_WithItsPermissionAndBearerSecurity()
    {
        var document = await DocumentAsync("v2");
        var mapped = MappedEndpoints("/api/v2");
        Assert.True(mapped.Count >= 20, $"only {mapped.Count} endpoints found");

        Assert.StartsWith("3.", document.Str("openapi"));
        Assert.Equal("v2", document.GetProperty("info").Str("version"));
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.Str("type"));
        Assert.Equal("bearer", scheme.Str("scheme"));
        var paths = document.GetProperty("paths");
        foreach (var (method, path, permission) in mapped)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the document");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method.ToUpperInvariant()} {path} is not in the document");
            Assert.False(string.IsNullOrEmpty(operation.Str("summary")));
            Assert.NotEmpty(operation.GetProperty("tags").EnumerateArray());
            if (permission is null) continue;
            Assert.Equal(permission, operation.Str("x-openclaw-permission"));
            Assert.Contains(operation.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("bearer", out _));
            Assert.True(operation.GetProperty("responses").TryGetProperty("403", out _), $"{method} {path} documents no 403");
        }
        // Nothing else: the document describes v2 only.
        Assert.All(paths.EnumerateObject(), p => Assert.StartsWith("/api/v2/", p.Name));
        Assert.Equal(mapped.Count, paths.EnumerateObject().Sum(p => p.Value.EnumerateObject().Count(o => o.Name is "get" or "post" or "put" or "delete" or "patch")));
    }

    [Fact]
    public async Task V2Document_DescribesTheEventStreamsAndProblems()
    {
        var paths = (await DocumentAsync("v2")).GetProperty("paths");

        var events = paths.GetProperty("/api/v2/executions/{id}/events").GetProperty("get");
        Assert.True(events.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.True(events.GetProperty("responses").GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _));
        var publish = paths.GetProperty("/api/v2/workflows/{id}/publish").GetProperty("post");
        Assert.True(publish.GetProperty("responses").TryGetProperty("400", out _));
    }

    [Fact]
    public async Task V1Document_ListsTheV1Endpoints()
    {
        var document = await DocumentAsync("v1");
        var paths = document.GetProperty("paths");

        foreach (var (method, path, _) in MappedEndpoints("/api/v1"))
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out _), $"{method} {path} missing from v1");
        Assert.Contains("Deprecated", document.GetProperty("info").Str("description"));
    }

    [Fact]
    public async Task DocsPage_IsServedByTheServer_WithoutCdnAssets()
    {
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };

        var html = await anonymous.GetStringAsync("api/docs/index.html");
        Assert.Contains("swagger-ui", html);
        Assert.DoesNotContain("https://", html);
        var config = await anonymous.GetStringAsync("api/docs/index.js");
        Assert.Contains("/openapi/v2.json", config);
        using var bundle = await anonymous.GetAsync("api/docs/swagger-ui-bundle.js");
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.True((await bundle.Content.ReadAsByteArrayAsync()).Length > 100_000);
        using var root = await anonymous.GetAsync("api/docs");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
    }

    [Fact]
    public async Task UnknownDocument_Is404()
    {
        using var response = await server.Client.GetAsync("openapi/v9.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
