using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace OpenClaw.Deploy.Tests.Chaos;

/// <summary>What one request of the load ended in.</summary>
/// <param name="ExecutionId">The execution the server said it started (202 with an id), or null.</param>
/// <param name="Error">Why there is no id: the status and body, or the transport error.</param>
internal sealed record LoadOutcome(Guid? ExecutionId, TimeSpan Latency, string? Error);

/// <summary>
/// Sends a fixed number of POSTs with bounded concurrency, each starting one execution, and records the execution ids
/// the server answered and each request's latency. Nothing is retried: a request that failed without an answer may or
/// may not have started an execution, and the audit needs to tell those apart from lost ones.
/// </summary>
internal sealed class LoadDriver(HttpClient http, Uri target, string body, string? bearerToken)
{
    private readonly ConcurrentBag<LoadOutcome> _outcomes = [];
    private int _answered;

    /// <summary>Requests answered so far (with an id or not), for progress-based fault injection.</summary>
    public int Answered => Volatile.Read(ref _answered);

    public IReadOnlyCollection<LoadOutcome> Outcomes => _outcomes;

    public async Task<TimeSpan> RunAsync(int requests, int concurrency, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= requests)
            {
                _outcomes.Add(await SendAsync(cancellationToken));
                Interlocked.Increment(ref _answered);
            }
        }));
        return clock.Elapsed;
    }

    private async Task<LoadOutcome> SendAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (bearerToken is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearerToken);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var latency = Stopwatch.GetElapsedTime(started);
            if (response.StatusCode != HttpStatusCode.Accepted) return new LoadOutcome(null, latency, $"{(int)response.StatusCode} {Truncate(text)}");
            using var json = JsonDocument.Parse(text);
            // The start endpoint answers {id}, a webhook in async mode {execution_id}.
            var id = json.RootElement.TryGetProperty("execution_id", out var executionId) ? executionId : json.RootElement.GetProperty("id");
            return new LoadOutcome(id.GetGuid(), latency, null);
        }
        catch (HttpRequestException ex)
        {
            return new LoadOutcome(null, Stopwatch.GetElapsedTime(started), $"transport: {ex.Message}");
        }
    }

    /// <summary>The latency below which <paramref name="percentile"/> % of requests answered.</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double percentile)
    {
        if (sorted.Count == 0) return TimeSpan.Zero;
        var index = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
