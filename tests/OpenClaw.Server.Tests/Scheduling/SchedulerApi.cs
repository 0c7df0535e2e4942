using System.Net;
using System.Text.Json;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Scheduling;

/// <summary>Workflows and calls the scheduler tests share.</summary>
internal static class SchedulerApi
{
    /// <summary>One http-request step calling <paramref name="url"/>, retried <paramref name="retries"/> times 50 ms apart.</summary>
    public static string HttpWorkflow(string id, string url, int retries = 0, string? queue = null, int? concurrency = null) => $$$"""
        {
          "id": "{{{id}}}",
          "name": "Calls {{{url}}}",
          {{{(queue is null ? "" : $"\"queue\": \"{queue}\",")}}}
          {{{(concurrency is null ? "" : $"\"concurrency\": {concurrency},")}}}
          "steps": [
            { "id": "call", "type": "plugin", "retry": { "max_retries": {{{retries}}}, "backoff": "fixed", "base_delay": "50ms" },
              "config": { "plugin": "http-request", "inputs": { "url": "{{{url}}}", "timeout": "20s" } } }
          ],
          "outputs": { "status": "${{ steps.call.output.status }}" }
        }
        """;

    public static async Task CreateWorkflowAsync(this HttpClient http, string json)
    {
        using var response = await http.PostJsonAsync("api/v2/workflows", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public static async Task<Guid> StartAsync(this HttpClient http, string workflowId, string body = "{}")
    {
        using var response = await http.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    public static Task<JsonElement> WaitForAsync(this HttpClient http, Guid executionId, params string[] statuses) =>
        Poll.UntilAsync(() => http.GetJsonAsync($"api/v2/executions/{executionId}"), e => statuses.Contains(e.Str("status")),
            TimeSpan.FromSeconds(60), $"execution {executionId} to be {string.Join(" or ", statuses)}");

    public static JsonElement Step(JsonElement execution, string key) =>
        execution.GetProperty("steps").EnumerateArray().Single(s => s.Str("key") == key);

    public static async Task<JsonElement> DeadLettersAsync(this HttpClient http, string workflowId) =>
        (await http.GetJsonAsync($"api/v2/queues/failed?workflow_id={workflowId}")).GetProperty("items");

    public static async Task<JsonElement> QueueAsync(this HttpClient http, string name) =>
        (await http.GetJsonAsync("api/v2/queues")).GetProperty("items").EnumerateArray().Single(q => q.Str("name") == name);
}
