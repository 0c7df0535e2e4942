using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenClaw.Runtime.Tests.Processes;

namespace OpenClaw.Runtime.Tests.Crash;

/// <summary>
/// A real HTTP service with a side effect to count: every <c>POST /effects</c> is recorded with its
/// <c>Idempotency-Key</c> header and the logical step named in its JSON body, then answered after a delay (so a run is
/// slow enough to be killed half-way). It lives in the test process, so it outlives the server processes it observes.
/// </summary>
/// <remarks>
/// The body names the step (<c>{ "name": "push", "item": 3 }</c>) independently of the idempotency key, so the tests
/// can check both that a step's side effect happened once and that every attempt of a step carried the same key.
/// </remarks>
internal sealed class SideEffectCounter : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SideEffectCall> _calls = new();

    private SideEffectCounter(WebApplication app, TimeSpan delay)
    {
        _app = app;
        Delay = delay;
    }

    /// <summary>How long each answer is held back after the call is counted.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Where the service listens, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every call received, in arrival order.</summary>
    public IReadOnlyList<SideEffectCall> Calls => [.. _calls];

    /// <summary>Calls per idempotency key.</summary>
    public Dictionary<string, int> CountsByKey() =>
        Calls.GroupBy(c => c.IdempotencyKey).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Calls per logical step key (from the body), e.g. <c>prepare</c>, <c>each[3]/push</c>.</summary>
    public Dictionary<string, int> CountsByStep() =>
        Calls.GroupBy(c => c.StepKey).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public static async Task<SideEffectCounter> StartAsync(TimeSpan delay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var counter = new SideEffectCounter(app, delay);
        app.MapPost("/effects", counter.HandleAsync);
        await app.StartAsync();
        counter.BaseUrl = app.Urls.Single().TrimEnd('/');
        return counter;
    }

    private async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        string? key = request.Headers["Idempotency-Key"].FirstOrDefault();
        if (string.IsNullOrEmpty(key)) return Results.BadRequest(new { error = "Idempotency-Key header missing" });
        var body = await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject;
        string name = body?["name"]?.GetValue<string>() ?? "?";
        int? item = body?["item"] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
        string stepKey = item is { } index ? $"each[{index}]/{name}" : name;
        _calls.Enqueue(new SideEffectCall(key, stepKey, DateTimeOffset.UtcNow));

        // The side effect has happened (it is counted); the answer is slow, like a real remote service's.
        await Task.Delay(Delay, ct);
        return Results.Json(new { name, item, key });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One POST received by <see cref="SideEffectCounter"/>.</summary>
internal sealed record SideEffectCall(string IdempotencyKey, string StepKey, DateTimeOffset ReceivedAt);
