using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Definitions;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Runtime.Plugins.Registry;

namespace OpenClaw.Server.Api;

/// <summary>RFC 7807 answers with the field at fault.</summary>
internal static class Problems
{
    public static ValidationProblem Invalid(string title, IEnumerable<DefinitionError> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: title,
            type: "https://openclaw.dev/problems/validation");

    public static ValidationProblem Invalid(string title, IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: title, type: "https://openclaw.dev/problems/validation");

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is invalid",
            type: "https://openclaw.dev/problems/validation");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>A refused plugin package: every problem, keyed by its path (<c>$.dependencies[1]</c>, an entry name, or <c>package</c>).</summary>
    public static ValidationProblem InvalidPackage(IEnumerable<PluginPackageError> errors) =>
        Invalid("The plugin package is invalid",
            errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => $"{e.Message} [{e.Code}]").ToArray()));

    /// <summary>
    /// A refused registry operation: <c>not-found</c> 404, <c>in-use</c> and <c>not-an-upgrade</c> 409, <c>hook-failed</c> 422 with
    /// the hooks run (and what they printed) in <c>hooks</c>.
    /// </summary>
    public static ProblemHttpResult Registry(PluginRegistryException e)
    {
        var status = e.Code switch
        {
            PluginRegistryErrorCodes.NotFound => StatusCodes.Status404NotFound,
            PluginRegistryErrorCodes.InUse or PluginRegistryErrorCodes.NotAnUpgrade => StatusCodes.Status409Conflict,
            PluginRegistryErrorCodes.HookFailed => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status400BadRequest,
        };
        var extensions = new Dictionary<string, object?> { ["code"] = e.Code };
        if (e.Hooks.Count > 0) extensions["hooks"] = e.Hooks.Select(PluginHookResponse.From).ToList();
        return TypedResults.Problem(e.Message, statusCode: status, title: e.Code switch
        {
            PluginRegistryErrorCodes.NotFound => "Not found",
            PluginRegistryErrorCodes.HookFailed => "A plugin lifecycle hook failed",
            PluginRegistryErrorCodes.InUse or PluginRegistryErrorCodes.NotAnUpgrade => "Conflict",
            _ => "The plugin operation was refused",
        }, type: "https://openclaw.dev/problems/plugin-" + e.Code, extensions: extensions);
    }
}
