using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Server.Security;

/// <summary>
/// Answers a start refused by the daily execution quota, from any endpoint that starts executions (API start, manual
/// run, webhooks, retry from the start), with a 429 problem and <c>Retry-After</c> until the next UTC midnight.
/// </summary>
internal sealed class ExecutionQuotaExceededHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not ExecutionQuotaExceededException quota) return false;
        httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(quota.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Quota exceeded",
                Type = "https://openclaw.dev/problems/quota",
                Detail = $"The tenant has started its quota of {quota.Limit} executions today (UTC); more can start after midnight UTC.",
            },
        });
    }
}
