using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace OpenClaw.Server.Hosting;

/// <summary>
/// Answers Kestrel's and model binding's <see cref="BadHttpRequestException"/> (body too large, unreadable request) with
/// its own status code as a problem, instead of the 500 the exception handler would otherwise send.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        httpContext.Response.StatusCode = bad.StatusCode;
        var problem = new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is too large",
                StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                _ => "The request is invalid",
            },
            Detail = bad.Message,
        };
        // Named like a validation problem's errors: the body as a whole ($), or the header at fault.
        problem.Extensions["errors"] = new Dictionary<string, string[]>
        {
            [bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Content-Type" : "$"] = [bad.Message],
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }
}
