using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Runtime.Plugins.Registry;
using OpenClaw.Server.Plugins;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>
/// <c>/plugins</c>: the built-in plugins and the installed third-party ones; install, validate, enable, disable, upgrade and
/// uninstall packages (zip bodies, <c>application/zip</c>).
/// </summary>
public static class PluginEndpoints
{
    public static IEndpointRouteBuilder MapPluginEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var plugins = endpoints.MapGroup("/plugins");
        plugins.MapGet("/", List).RequirePermission(Permissions.PluginsRead);
        plugins.MapGet("/{name}/{version}", Get).RequirePermission(Permissions.PluginsRead);
        plugins.MapPost("/", Install).RequirePermission(Permissions.PluginsManage);
        plugins.MapPost("/validate", Validate).RequirePermission(Permissions.PluginsRead);
        plugins.MapPost("/{name}/upgrade", Upgrade).RequirePermission(Permissions.PluginsManage);
        plugins.MapPost("/{name}/{version}/enable", (string name, string version, PluginRegistry registry, AuditContext audit, CancellationToken ct) =>
            Change(() => registry.EnableAsync(name, version, ct), audit, "enable")).RequirePermission(Permissions.PluginsManage);
        plugins.MapPost("/{name}/{version}/disable", (string name, string version, PluginRegistry registry, AuditContext audit, CancellationToken ct) =>
            Change(() => registry.DisableAsync(name, version, ct), audit, "disable")).RequirePermission(Permissions.PluginsManage);
        plugins.MapDelete("/{name}/{version}", (string name, string version, PluginRegistry registry, AuditContext audit, CancellationToken ct) =>
            Change(() => registry.UninstallAsync(name, version, ct), audit, "uninstall")).RequirePermission(Permissions.PluginsManage);
        return endpoints;
    }

    private static Ok<PluginListResponse> List(InProcessPluginRegistry builtIns, PluginRegistry registry)
    {
        var all = builtIns.All.Select(p => PluginResponse.From(p.Metadata))
            .Concat(registry.List().Select(PluginResponse.From))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new PluginListResponse(all));
    }

    private static Results<Ok<PluginResponse>, ProblemHttpResult> Get(string name, string version, InProcessPluginRegistry builtIns, PluginRegistry registry)
    {
        if (registry.Get(name, version) is { } installed) return TypedResults.Ok(PluginResponse.From(installed));
        var builtIn = builtIns.All.FirstOrDefault(p => p.Metadata.Name == name && p.Metadata.Version == version);
        return builtIn is null ? Problems.NotFound($"No plugin {name} {version} is installed.") : TypedResults.Ok(PluginResponse.From(builtIn.Metadata));
    }

    private static async Task<Results<Created<PluginChangeResponse>, ValidationProblem, ProblemHttpResult>> Install(
        HttpRequest request, PluginRegistry registry, PluginRegistryOptions options, bool? enable, AuditContext audit, CancellationToken ct)
    {
        var (package, problem) = await PluginPackageBody.ReadAsync(request, options.Limits.MaxPackageBytes, ct);
        if (problem is not null) return problem;
        await using (package!)
        {
            try
            {
                var change = await registry.InstallAsync(package!, enable ?? true, ct);
                Describe(audit, "install", change);
                return TypedResults.Created(Location(request, change.Plugin), PluginChangeResponse.From(change));
            }
            catch (PluginPackageException e)
            {
                return Problems.InvalidPackage(e.Errors);
            }
            catch (PluginRegistryException e)
            {
                return Problems.Registry(e);
            }
        }
    }

    private static async Task<Results<Created<PluginChangeResponse>, ValidationProblem, ProblemHttpResult>> Upgrade(
        string name, HttpRequest request, PluginRegistry registry, PluginRegistryOptions options, AuditContext audit, CancellationToken ct)
    {
        var (package, problem) = await PluginPackageBody.ReadAsync(request, options.Limits.MaxPackageBytes, ct);
        if (problem is not null) return problem;
        await using (package!)
        {
            // The route names the plugin so a package for another one is not installed by mistake.
            var validation = await registry.ValidateAsync(package!, ct);
            package!.Position = 0;
            if (validation.Manifest is { } manifest && manifest.Name != name)
                return Problems.Invalid("$.name", $"The package is '{manifest.Name}', not '{name}'.");
            try
            {
                var change = await registry.UpgradeAsync(package, ct);
                Describe(audit, "upgrade", change);
                return TypedResults.Created(Location(request, change.Plugin), PluginChangeResponse.From(change));
            }
            catch (PluginPackageException e)
            {
                return Problems.InvalidPackage(e.Errors);
            }
            catch (PluginRegistryException e)
            {
                return Problems.Registry(e);
            }
        }
    }

    private static async Task<Results<Ok<PluginValidationResponse>, ProblemHttpResult>> Validate(
        HttpRequest request, PluginRegistry registry, PluginRegistryOptions options, CancellationToken ct)
    {
        var (package, problem) = await PluginPackageBody.ReadAsync(request, options.Limits.MaxPackageBytes, ct);
        if (problem is not null) return problem;
        await using (package!)
        {
            var result = await registry.ValidateAsync(package!, ct);
            return TypedResults.Ok(new PluginValidationResponse(
                result.IsValid, result.Manifest?.Name, result.Manifest?.Version.ToString(), result.Manifest?.Permissions ?? [],
                result.Errors.Select(e => new PluginProblem(e.Path, e.Message, e.Code)).ToList()));
        }
    }

    private static async Task<Results<Ok<PluginChangeResponse>, ProblemHttpResult>> Change(Func<Task<PluginChange>> operation, AuditContext audit, string action)
    {
        try
        {
            var change = await operation();
            Describe(audit, action, change);
            return TypedResults.Ok(PluginChangeResponse.From(change));
        }
        catch (PluginRegistryException e)
        {
            return Problems.Registry(e);
        }
    }

    internal static void Describe(AuditContext audit, string action, PluginChange change) =>
        audit.Describe("plugin", $"{change.Plugin.Name}@{change.Plugin.Version}", action, after: PluginChangeResponse.From(change));

    private static string Location(HttpRequest request, InstalledPlugin plugin) =>
        $"{ApiRoutes.Prefix(request)}/plugins/{Uri.EscapeDataString(plugin.Name)}/{Uri.EscapeDataString(plugin.Version.ToString())}";
}
