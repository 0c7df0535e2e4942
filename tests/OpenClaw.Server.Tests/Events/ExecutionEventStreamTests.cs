using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Runtime.Execution;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Events;

/// <summary>Server-sent events read by a real HttpClient from the real server, as a browser's EventSource would.</summary>
public sealed class ExecutionEventStreamTests(EventsServer server) : IClassFixture<EventsServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<string> CreateAsync(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var response = await _http.PostJsonAsync("api/v2/workflows", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return doc.RootElement.Str("id");
    }

    private async Task<Guid> StartAsync(string workflowId)
    {
        using var response = await _http.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", "{}");
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task ExecutionStream_StartsWithSnapshot_SendsStepChanges_AndEndsAfterTheTerminalEvent()
    {
        var id = await CreateAsync(Definitions.DelayJson(Definitions.NewId("sse"), "700ms"));
        var executionId = await StartAsync(id);
        var ct = Deadline();

        using var response = await EventStreamReader.OpenAsync(_http, $"api/v2/executions/{executionId}/events", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        using var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(ct));
        var events = await reader.ReadToEndAsync(ct);

        Assert.Equal("snapshot", events[0].Name);
        Assert.Equal(executionId, events[0].Data.GetProperty("id").GetGuid());
        Assert.Equal("running", events[0].Data.Str("status"));
        Assert.Contains(events[0].Data.GetProperty("steps").EnumerateArray(), s => s.Str("key") == "wait");
        // Ids only grow; the stream ends with the terminal execution event and nothing after it.
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal("execution", events[^1].Name);
        Assert.Equal("succeeded", events[^1].Data.Str("status"));
        Assert.Single(events, e => e.Name == "execution");
        var steps = events.Where(e => e.Name == "step").Select(e => e.Data).ToList();
        Assert.Contains(steps, s => s.Str("key") == "wait" && s.Str("status") == "succeeded");
        Assert.Contains(steps, s => s.Str("key") == "after" && s.Str("status") == "succeeded");
        // Each state of a step is sent once.
        Assert.Equal(steps.Count, steps.Select(s => (s.Str("key"), s.Str("status"), s.GetProperty("attempt").GetInt32())).Distinct().Count());
    }

    [Fact]
    public async Task ExecutionStream_ClientConnectingAfterTheEnd_GetsTheFinalSnapshotAndTheStreamEnds()
    {
        var id = await CreateAsync(Definitions.HelloJson(Definitions.NewId("sse")));
        var executionId = await StartAsync(id);
        await Poll.UntilAsync(() => _http.GetJsonAsync($"api/v2/executions/{executionId}"), e => e.Str("status") == "succeeded");
        var ct = Deadline();

        using var response = await EventStreamReader.OpenAsync(_http, $"api/v2/executions/{executionId}/events", ct, lastEventId: "41");
        using var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(ct));
        var events = await reader.ReadToEndAsync(ct);

        var snapshot = Assert.Single(events);
        Assert.Equal("snapshot", snapshot.Name);
        Assert.Equal(42, snapshot.Id);
        Assert.Equal("succeeded", snapshot.Data.Str("status"));
        Assert.Equal(["done", "greet"], snapshot.Data.GetProperty("steps").EnumerateArray().Select(s => s.Str("key")).Order());
        Assert.All(snapshot.Data.GetProperty("steps").EnumerateArray(), s => Assert.Equal("succeeded", s.Str("status")));
    }

    [Fact]
    public async Task ExecutionStream_UnknownExecution_Is404Problem()
    {
        using var response = await EventStreamReader.OpenAsync(_http, $"api/v2/executions/{Guid.NewGuid()}/events", Deadline());

        await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task ExecutionStream_Idle_SendsHeartbeatComments()
    {
        var id = await CreateAsync(Definitions.DelayJson(Definitions.NewId("sse"), "1500ms"));
        var executionId = await StartAsync(id);
        var ct = Deadline();

        using var response = await EventStreamReader.OpenAsync(_http, $"api/v2/executions/{executionId}/events", ct);
        using var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(ct));
        await reader.ReadToEndAsync(ct);

        // The fixture's heartbeat is 200 ms; the delay step keeps the stream quiet for 1.5 s.
        Assert.Contains("heartbeat", reader.Comments);
    }

    [Fact]
    public async Task ExecutionStream_ClientDisconnects_SubscriptionIsReleased()
    {
        var hub = server.Services.GetRequiredService<ExecutionEventHub>();
        var id = await CreateAsync(Definitions.DelayJson(Definitions.NewId("sse"), "1h"));
        var executionId = await StartAsync(id);
        var ct = Deadline();
        var before = hub.SubscriberCount;

        var response = await EventStreamReader.OpenAsync(_http, $"api/v2/executions/{executionId}/events", ct);
        var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(ct));
        Assert.Equal("snapshot", (await reader.NextAsync(ct))!.Name);
        Assert.Equal(before + 1, hub.SubscriberCount);
        reader.Dispose();
        response.Dispose();

        // Tests of a class run one at a time: the count goes back once the server notices the disconnect.
        await Poll.UntilAsync(() => Task.FromResult(hub.SubscriberCount), n => n <= before, what: "the stream's subscription to be released");
        using var cancel = await _http.PostAsync($"api/v2/executions/{executionId}/cancel", null);
    }

    [Fact]
    public async Task TenantStream_ReportsStartAndFinishOfTheFilteredWorkflowOnly()
    {
        var watched = await CreateAsync(Definitions.DelayJson(Definitions.NewId("sse"), "300ms"));
        var other = await CreateAsync(Definitions.HelloJson(Definitions.NewId("sse")));
        var ct = Deadline();

        using var response = await EventStreamReader.OpenAsync(_http, $"api/v2/executions/events?workflow_id={watched}", ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(ct));
        var snapshot = await reader.NextAsync(ct);
        Assert.Equal("snapshot", snapshot!.Name);
        Assert.Empty(snapshot.Data.GetProperty("executions").EnumerateArray());

        var ignored = await StartAsync(other);
        var executionId = await StartAsync(watched);
        var seen = new List<ServerSentEvent>();
        while (await reader.NextAsync(ct) is { } e)
        {
            seen.Add(e);
            if (e.Data.Str("status") == "succeeded") break;
        }

        Assert.All(seen, e => Assert.Equal("execution", e.Name));
        Assert.All(seen, e => Assert.Equal(executionId, e.Data.GetProperty("id").GetGuid()));
        Assert.Equal(["running", "succeeded"], seen.Select(e => e.Data.Str("status")));
        Assert.DoesNotContain(seen, e => e.Data.GetProperty("id").GetGuid() == ignored);
        Assert.False(seen[^1].Data.TryGetProperty("steps", out _));
    }
}

/// <summary>The test server with a short heartbeat, so the heartbeat test need not wait 15 s.</summary>
public sealed class EventsServer : IAsyncLifetime
{
    private readonly string _dataDirectory = TestServer.NewDataDirectory();
    private TestServer? _server;

    public HttpClient Client => _server!.Client;

    public IServiceProvider Services => _server!.Services;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(_dataDirectory, "--OpenClaw:Events:HeartbeatInterval", "00:00:00.200");

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        TestServer.DeleteDirectory(_dataDirectory);
    }
}
