using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Runtime.Plugins.Marketplace;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Runtime.Plugins.Registry;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>
/// <c>/marketplace/plugins</c>: what the configured sources offer, in the wire format other servers read
/// (<see cref="MarketplaceCatalog"/>), their packages, install plans (permissions before install) and installs.
/// </summary>
public static class MarketplaceEndpoints
{
    public static IEndpointRouteBuilder MapMarketplaceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var marketplace = endpoints.MapGroup("/marketplace/plugins");
        // The catalog and its packages are what other servers read (OpenClaw:Marketplace:Servers): public, like any package
        // registry. They hold no tenant data; the install plan and installs below need credentials.
        marketplace.MapGet("/", Search).AllowAnonymous();
        marketplace.MapGet("/{name}/{version}/package", Package).AllowAnonymous();
        marketplace.MapGet("/{name}/plan", Plan).RequirePermission(Permissions.PluginsRead);
        marketplace.MapPost("/{name}/install", Install).RequirePermission(Permissions.PluginsManage);
        return endpoints;
    }

    /// <remarks>
    /// Every version is listed, each with this server's download path, whichever source offers it: a server that reads this
    /// one can then install any version, and downloads from a source behind this server go through it.
    /// </remarks>
    private static async Task<JsonHttpResult<MarketplaceCatalog>> Search(PluginMarketplace marketplace, string? q, string? category, string? tag, CancellationToken ct)
    {
        var entries = await marketplace.SearchAsync(new MarketplaceQuery(Blank(q), Blank(category), Blank(tag), AllVersions: true), ct);
        var catalog = new MarketplaceCatalog(entries.Select(e => e with { DownloadUrl = MarketplaceCatalog.PackagePath(e.Name, e.Version) }).ToList());
        return TypedResults.Json(catalog, MarketplaceCatalog.JsonOptions);
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Package(string name, string version, PluginMarketplace marketplace, CancellationToken ct)
    {
        var entry = await FindAsync(marketplace, name, version, ct);
        if (entry is null) return Problems.NotFound($"No marketplace source offers {name} {version}.");
        var source = marketplace.Sources.First(s => s.Name == entry.Source);
        var fileName = $"{entry.Name}-{entry.Version}.zip";
        try
        {
            if (source is FolderMarketplaceSource folder && await folder.FindPackageFileAsync(entry.Name, entry.Version, ct) is { } file)
                return TypedResults.File(File.OpenRead(file), "application/zip", fileName);
            return TypedResults.File(await source.OpenPackageAsync(entry, ct), "application/zip", fileName);
        }
        catch (MarketplaceException e)
        {
            return BadGateway(e);
        }
    }

    private static async Task<Results<Ok<PluginInstallPlan>, ProblemHttpResult>> Plan(string name, string? version, PluginMarketplace marketplace, CancellationToken ct)
    {
        if (await FindAsync(marketplace, name, Blank(version), ct) is null) return NotOffered(name, version);
        try
        {
            return TypedResults.Ok(await marketplace.GetInstallPlanAsync(name, Blank(version), ct));
        }
        catch (MarketplaceException e)
        {
            return BadGateway(e);
        }
    }

    private static async Task<Results<Created<MarketplaceInstallResponse>, ValidationProblem, ProblemHttpResult>> Install(
        string name, string? version, HttpRequest request, PluginMarketplace marketplace, AuditContext audit, CancellationToken ct)
    {
        if (await FindAsync(marketplace, name, Blank(version), ct) is null) return NotOffered(name, version);
        try
        {
            var changes = await marketplace.InstallAsync(name, Blank(version), ct);
            var installed = changes[^1].Plugin;
            audit.Describe("plugin", $"{installed.Name}@{installed.Version}", "marketplace_install",
                after: new MarketplaceInstallResponse(changes.Select(PluginChangeResponse.From).ToList()));
            var location = $"{ApiRoutes.Prefix(request)}/plugins/{Uri.EscapeDataString(installed.Name)}/{Uri.EscapeDataString(installed.Version.ToString())}";
            return TypedResults.Created(location, new MarketplaceInstallResponse(changes.Select(PluginChangeResponse.From).ToList()));
        }
        catch (PluginPackageException e)
        {
            return Problems.InvalidPackage(e.Errors);
        }
        catch (PluginRegistryException e)
        {
            return Problems.Registry(e);
        }
        catch (MarketplaceException e)
        {
            return BadGateway(e);
        }
    }

    /// <summary>The entry offered for <paramref name="name"/> at <paramref name="version"/> (or any version), null when none.</summary>
    private static async Task<MarketplaceEntry?> FindAsync(PluginMarketplace marketplace, string name, string? version, CancellationToken ct)
    {
        var all = await marketplace.SearchAsync(new MarketplaceQuery(AllVersions: true), ct);
        var wanted = version is not null && SemanticVersion.TryParse(version, out var v) ? v : null;
        return all.FirstOrDefault(e => e.Name == name && (version is null || e.Version == version || (wanted is not null && e.SemanticVersion == wanted)));
    }

    private static ProblemHttpResult NotOffered(string name, string? version) =>
        Problems.NotFound(string.IsNullOrWhiteSpace(version) ? $"No marketplace source offers a plugin named '{name}'." : $"No marketplace source offers {name} {version}.");

    /// <summary>A source failed (unreachable server, download refused): not the caller's fault.</summary>
    private static ProblemHttpResult BadGateway(MarketplaceException e) =>
        TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "A marketplace source failed");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
