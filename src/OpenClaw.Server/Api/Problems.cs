using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Definitions;

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

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}
