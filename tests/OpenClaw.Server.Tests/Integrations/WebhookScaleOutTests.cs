using System.Net;
using System.Security.Cryptography;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Integrations;

/// <summary>
/// PostgreSQL with an <c>api</c> process that runs no steps and a <c>worker</c> process that does: a sync webhook on the
/// api process must still answer with the outputs, though the completion commits on the worker. The api's safety poll
/// is set longer than the call's timeout, so only the worker's change notification can make it answer in time.
/// </summary>
public sealed class WebhookScaleOutTests
{
    [PostgresFact]
    public async Task SyncWebhook_OnAnApiNode_AnswersWithOutputsOfStepsRunOnAWorkerNode()
    {
        var postgres = await PostgresTestServer.GetAsync();
        var (database, connectionString) = await postgres.CreateDatabaseAsync();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        string[] Role(string role) =>
        [
            "--OpenClaw:Storage", "postgres", "--OpenClaw:PostgresConnectionString", connectionString, "--OpenClaw:Role", role,
            "--OpenClaw:Credentials:Key", key,
        ];
        var apiData = TestServer.NewDataDirectory();
        var workerData = TestServer.NewDataDirectory();
        var api = await TestServer.StartAsync(apiData, [.. Role("api"), "--OpenClaw:Webhooks:SyncPollInterval", "00:00:10"]);
        var worker = await TestServer.StartAsync(workerData, Role("worker"));
        try
        {
            var id = Definitions.NewId();
            using (var created = await api.Client.PostJsonAsync("api/v2/workflows", Definitions.ThreeStepJson(id)))
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var trigger = await api.Client.PostJsonAsync("api/v2/triggers", $$"""{ "workflow_id": "{{id}}", "mode": "sync", "sync_timeout_seconds": 9 }""");
            var path = (await trigger.ReadJsonAsync()).Str("path");

            using var response = await api.Client.PostJsonAsync($"api/v2/webhooks/{path}", """{ "who": "Scale" }""");
            var body = await response.ReadJsonAsync();

            Assert.True(response.StatusCode == HttpStatusCode.OK, body.GetRawText());
            Assert.Equal("Hello, Scale!", body.Str("greeting"));
            var execution = await api.Client.GetJsonAsync($"api/v2/executions/{response.Headers.GetValues("X-OpenClaw-Execution-Id").Single()}");
            Assert.Equal("webhook", execution.Str("trigger"));
            Assert.Equal(3, execution.GetProperty("steps").GetArrayLength());
        }
        finally
        {
            await worker.DisposeAsync();
            await api.DisposeAsync();
            TestServer.DeleteDirectory(apiData);
            TestServer.DeleteDirectory(workerData);
            await postgres.DropDatabaseAsync(database);
        }
    }
}
