using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Runtime;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Events;

/// <summary>
/// An API node and a worker node on one PostgreSQL database: the API node runs no steps, so everything after the
/// start reaches its streams through NOTIFY openclaw_executions and a reload of the rows.
/// </summary>
public sealed class CrossNodeEventStreamTests
{
    [PostgresFact]
    public async Task StepsRunOnAWorkerNode_AreStreamedByTheApiNode()
    {
        var postgres = await PostgresTestServer.GetAsync();
        var (database, connectionString) = await postgres.CreateDatabaseAsync();
        var apiDirectory = TestServer.NewDataDirectory();
        var workerDirectory = TestServer.NewDataDirectory();
        string[] Node(string role) => ["--OpenClaw:Storage", "postgres", "--OpenClaw:PostgresConnectionString", connectionString, "--OpenClaw:Role", role];
        var api = await TestServer.StartAsync(apiDirectory, Node("api"));
        var worker = await TestServer.StartAsync(workerDirectory, Node("worker"));
        try
        {
            var ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
            var id = Definitions.NewId("xnode");
            using (var created = await api.Client.PostJsonAsync("api/v2/workflows", Definitions.DelayJson(id, "300ms")))
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);

            using var tenantResponse = await EventStreamReader.OpenAsync(api.Client, $"api/v2/executions/events?workflow_id={id}", ct);
            using var tenantStream = new EventStreamReader(await tenantResponse.Content.ReadAsStreamAsync(ct));
            Assert.Equal("snapshot", (await tenantStream.NextAsync(ct))!.Name);

            using var started = await api.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var executionId = (await started.ReadJsonAsync()).GetProperty("id").GetGuid();

            using var response = await EventStreamReader.OpenAsync(api.Client, $"api/v2/executions/{executionId}/events", ct);
            using var stream = new EventStreamReader(await response.Content.ReadAsStreamAsync(ct));
            var events = await stream.ReadToEndAsync(ct);

            Assert.Equal("snapshot", events[0].Name);
            Assert.Equal("execution", events[^1].Name);
            Assert.Equal("succeeded", events[^1].Data.Str("status"));
            var workerNode = worker.Services.GetRequiredService<RuntimeOptions>().NodeId;
            var after = events.Last(e => e.Name == "step" && e.Data.Str("key") == "after").Data;
            Assert.Equal("succeeded", after.Str("status"));
            Assert.Equal(workerNode, after.GetProperty("attempts")[0].Str("worker"));

            var statuses = new List<string>();
            while (await tenantStream.NextAsync(ct) is { } e)
            {
                Assert.Equal(executionId, e.Data.GetProperty("id").GetGuid());
                statuses.Add(e.Data.Str("status"));
                if (statuses[^1] == "succeeded") break;
            }
            Assert.Equal(["running", "succeeded"], statuses);
        }
        finally
        {
            await worker.DisposeAsync();
            await api.DisposeAsync();
            TestServer.DeleteDirectory(apiDirectory);
            TestServer.DeleteDirectory(workerDirectory);
            await postgres.DropDatabaseAsync(database);
        }
    }
}
