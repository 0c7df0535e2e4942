using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Observability;

/// <summary>Traces: request → execution → step spans in one trace, continued from the caller's W3C traceparent.</summary>
public sealed class TracingTests(TestServer server) : IClassFixture<TestServer>
{
    private static (ActivityTraceId TraceId, ActivitySpanId SpanId, string Header) NewTraceParent()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        return (traceId, spanId, $"00-{traceId.ToHexString()}-{spanId.ToHexString()}-01");
    }

    private static async Task<Guid> StartTracedAsync(HttpClient client, string workflowId, string traceParent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v2/workflows/{workflowId}/executions") { Content = HttpJson.Json("{}") };
        request.Headers.Add("traceparent", traceParent);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private static Task WaitFinishedAsync(HttpClient client, Guid executionId) =>
        Poll.UntilAsync(() => client.GetJsonAsync($"api/v2/executions/{executionId}"), e => e.Str("status") is "succeeded" or "failed");

    [Fact]
    public async Task Spans_FormTheTreeRequestExecutionSteps_InTheCallersTrace()
    {
        var (traceId, callerSpan, header) = NewTraceParent();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "OpenClaw",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId) stopped.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        var id = Definitions.NewId("trace");
        (await server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();

        var executionId = await StartTracedAsync(server.Client, id, header);
        await WaitFinishedAsync(server.Client, executionId);
        await Poll.UntilAsync(() => Task.FromResult(stopped.Count(a => a.OperationName.StartsWith("step ", StringComparison.Ordinal))), n => n >= 2,
            what: "both step spans to end");

        var spans = stopped.ToList();
        var request = Assert.Single(spans, a => a.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(callerSpan, request.ParentSpanId);
        var execution = Assert.Single(spans, a => a.OperationName == "execution " + id);
        Assert.Equal(request.SpanId, execution.ParentSpanId);
        Assert.Equal(executionId.ToString(), execution.GetTagItem("openclaw.execution.id"));
        var steps = spans.Where(a => a.OperationName.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["step done", "step greet"], steps.Select(s => s.OperationName).Order());
        Assert.All(steps, s => Assert.Equal(execution.SpanId, s.ParentSpanId));
        Assert.All(steps, s => Assert.Equal(id, s.GetTagItem("openclaw.workflow.id")));
        Assert.Equal("log", steps.Single(s => s.OperationName == "step greet").GetTagItem("openclaw.plugin"));
    }

    [Fact]
    public async Task OtlpExport_SendsProtobufSpansOfTheCallersTrace_AndHttpStepsPropagateTraceparent()
    {
        await using var collector = await CapturingHttpServer.StartAsync();
        var dataDirectory = TestServer.NewDataDirectory();
        var traced = await TestServer.StartAsync(dataDirectory,
            "--OpenClaw:Tracing:OtlpEndpoint", collector.BaseAddress.ToString(), "--OpenClaw:Tracing:ExportDelay", "00:00:00.200");
        try
        {
            var (traceId, _, header) = NewTraceParent();
            var id = Definitions.NewId("otlp");
            var target = new Uri(collector.BaseAddress, "called-by-step").ToString();
            var definition = $$"""
                { "id": "{{id}}", "name": "Calls out",
                  "steps": [ { "id": "call", "type": "plugin", "config": { "plugin": "http-request", "inputs": { "url": "{{target}}", "method": "GET" } } } ] }
                """;
            (await traced.Client.PostJsonAsync("api/v2/workflows", definition)).Dispose();

            var executionId = await StartTracedAsync(traced.Client, id, header);
            await WaitFinishedAsync(traced.Client, executionId);

            // The step's call carries the trace onwards.
            var call = Assert.Single(collector.Requests, r => r.Path == "/called-by-step");
            Assert.Matches($"^00-{traceId.ToHexString()}-[0-9a-f]{{16}}-01$", call.Headers["traceparent"]);

            // Spans arrive over OTLP/HTTP as protobuf; the trace id is in them as its 16 raw bytes.
            var traceBytes = Convert.FromHexString(traceId.ToHexString());
            var exports = await Poll.UntilAsync(
                () => Task.FromResult(collector.Requests.Where(r => r.Path == "/v1/traces").ToList()),
                requests => requests.Sum(r => Occurrences(r.Body, traceBytes)) >= 3,
                what: "the request, execution and step spans to be exported");
            Assert.All(exports, r => Assert.Equal("application/x-protobuf", r.ContentType));
            Assert.Contains(exports, r => r.Body.AsSpan().IndexOf("step call"u8) >= 0);
            Assert.Contains(exports, r => r.Body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes("execution " + id)) >= 0);
        }
        finally
        {
            await traced.DisposeAsync();
            TestServer.DeleteDirectory(dataDirectory);
        }
    }

    private static int Occurrences(byte[] haystack, byte[] needle)
    {
        var count = 0;
        var span = haystack.AsSpan();
        int at;
        while ((at = span.IndexOf(needle)) >= 0)
        {
            count++;
            span = span[(at + needle.Length)..];
        }
        return count;
    }
}
