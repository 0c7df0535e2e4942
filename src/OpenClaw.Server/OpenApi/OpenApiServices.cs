using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OpenClaw.Server.Api;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.OpenApi;

/// <summary>
/// The OpenAPI documents (<c>/openapi/v2.json</c>, <c>/openapi/v1.json</c>) built from the endpoints' own metadata, and
/// the browsable API page (<c>/api/docs</c>, Swagger UI served from the server's own assets, no CDN). Both are public:
/// they describe the API, never data, and every operation still requires its permission.
/// </summary>
public static class OpenApiServices
{
    public const string BearerScheme = "bearer";

    /// <summary>The extension naming the permission (and API-key scope) an operation requires.</summary>
    public const string PermissionExtension = "x-openclaw-permission";

    public static IServiceCollection AddOpenClawOpenApi(this IServiceCollection services)
    {
        foreach (var version in ApiRoutes.Versions) services.AddOpenApi(version, options => Configure(options, version));
        return services;
    }

    /// <summary>Maps <c>/openapi/{version}.json</c>.</summary>
    public static IEndpointRouteBuilder MapOpenClawOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return endpoints;
    }

    /// <summary>
    /// Serves Swagger UI at <c>/api/docs</c>. Must run before the API versioning middleware, which would otherwise
    /// rewrite <c>/api/docs</c> to <c>/api/v2/docs</c>.
    /// </summary>
    public static IApplicationBuilder UseOpenClawApiDocs(this IApplicationBuilder app) =>
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "api/docs";
            ui.DocumentTitle = "OpenClaw API";
            foreach (var version in ApiRoutes.Versions.Reverse())
                ui.SwaggerEndpoint($"/openapi/{version}.json", version == ApiVersioningMiddleware.Default ? $"OpenClaw API {version}" : $"OpenClaw API {version} (deprecated)");
        });

    private static void Configure(OpenApiOptions options, string version)
    {
        var prefix = $"api/{version}/";
        options.ShouldInclude = description => description.RelativePath?.StartsWith(prefix, StringComparison.Ordinal) == true;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "OpenClaw API",
                Version = version,
                Description = version == ApiVersioningMiddleware.Default
                    ? "Durable workflow automation. Errors are RFC 7807 problem details whose `errors` name the JSON path at fault."
                    : "Deprecated: answers carry X-API-Deprecated and X-API-Sunset. Use v2.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An access token from POST /auth/login or /oauth/token, or an API key (ock_...).",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var method = context.Description.HttpMethod ?? "GET";
            operation.Summary ??= $"{method} /{context.Description.RelativePath}";
            operation.Responses ??= new OpenApiResponses();
            if (metadata.OfType<RequiredPermission>().FirstOrDefault() is { } permission)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions[PermissionExtension] = new JsonNodeExtension(permission.Permission);
                operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : "") + $"Requires the `{permission.Permission}` permission.";
                AddProblem(operation, "401", "Not authenticated");
                AddProblem(operation, "403", "The caller lacks the permission");
            }
            if (context.Description.RelativePath?.Contains('{', StringComparison.Ordinal) == true) AddProblem(operation, "404", "Not found (or another tenant's)");
            if (method is "POST" or "PUT" or "PATCH") AddProblem(operation, "400", "Invalid request: problem details naming the field at fault");
            return Task.CompletedTask;
        });
    }

    private static void AddProblem(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status)) return;
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType() },
        };
    }
}
