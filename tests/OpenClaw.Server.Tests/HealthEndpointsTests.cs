using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Storage.Postgres;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests;

public sealed class HealthEndpointsTests(TestServer server) : IClassFixture<TestServer>
{
    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Live_IsHealthy_AndConsultsNoDependency()
    {
        using var response = await server.Client.GetAsync("health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal("healthy", body.Str("status"));
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task Ready_ReportsEveryDependencyWithStatusAndDuration()
    {
        using var response = await server.Client.GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        var checks = body.GetProperty("checks");
        Assert.Equal(["database", "plugins", "queue", "storage"], checks.EnumerateObject().Select(c => c.Name).Order());
        foreach (var name in (string[])["database", "queue", "storage"]) Assert.Equal("healthy", checks.GetProperty(name).Str("status"));
        Assert.All(checks.EnumerateObject(), c => Assert.True(c.Value.GetProperty("duration_ms").GetDouble() >= 0));
        Assert.True(checks.GetProperty("queue").GetProperty("data").GetProperty("queued").GetInt64() >= 0);
        Assert.Contains(server.DataDirectory, checks.GetProperty("storage").Str("description"));
        // Without bubblewrap (and weak isolation not allowed) the plugins check reports degraded: see the tests below.
        var expected = SandboxFactAttribute.BubblewrapInstalled ? "healthy" : "degraded";
        Assert.Equal(expected, checks.GetProperty("plugins").Str("status"));
        Assert.Equal(expected, body.Str("status"));
    }

    [Theory]
    [InlineData("false", "degraded")]
    [InlineData("true", "healthy")]
    public async Task Ready_WithoutBubblewrap_IsDegradedUnlessWeakIsolationIsAllowed(string allowWeak, string expected)
    {
        var dataDirectory = TestServer.NewDataDirectory();
        var other = await TestServer.StartAsync(dataDirectory,
            "--OpenClaw:Sandbox:BubblewrapPath", "/nonexistent/bwrap", "--OpenClaw:Sandbox:AllowWeakIsolation", allowWeak);
        try
        {
            using var response = await other.Client.GetAsync("health/ready");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await ReadAsync(response);
            Assert.Equal(expected, body.GetProperty("checks").GetProperty("plugins").Str("status"));
            Assert.Equal(expected, body.Str("status"));
        }
        finally
        {
            await other.DisposeAsync();
            TestServer.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task Ready_ObjectStoreNotWritable_IsUnhealthy503()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        var other = await TestServer.StartAsync(dataDirectory, "--OpenClaw:Sandbox:AllowWeakIsolation", "true");
        try
        {
            // A file where the objects folder should be: nothing can be written under it.
            var objects = Path.Combine(dataDirectory, "objects");
            if (Directory.Exists(objects)) Directory.Delete(objects, recursive: true);
            await File.WriteAllTextAsync(objects, "not a folder");

            using var response = await other.Client.GetAsync("health/ready");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = await ReadAsync(response);
            Assert.Equal("unhealthy", body.Str("status"));
            var storage = body.GetProperty("checks").GetProperty("storage");
            Assert.Equal("unhealthy", storage.Str("status"));
            Assert.False(string.IsNullOrEmpty(storage.Str("error")));
            Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").Str("status"));
        }
        finally
        {
            await other.DisposeAsync();
            TestServer.DeleteDirectory(dataDirectory);
        }
    }

    [PostgresFact]
    public async Task Ready_OnPostgres_ReportsTheListener_DegradedWhileItIsDown()
    {
        var postgres = await PostgresTestServer.GetAsync();
        var (database, connectionString) = await postgres.CreateDatabaseAsync();
        var dataDirectory = TestServer.NewDataDirectory();
        var node = await TestServer.StartAsync(dataDirectory, "--OpenClaw:Storage", "postgres", "--OpenClaw:PostgresConnectionString", connectionString,
            "--OpenClaw:Sandbox:AllowWeakIsolation", "true");
        try
        {
            var listener = node.Services.GetRequiredService<PostgresQueueListener>();
            await listener.WaitUntilListeningAsync().WaitAsync(TimeSpan.FromSeconds(30));
            using (var up = await node.Client.GetAsync("health/ready"))
            {
                var queue = (await ReadAsync(up)).GetProperty("checks").GetProperty("queue");
                Assert.Equal("healthy", queue.Str("status"));
                Assert.True(queue.GetProperty("data").GetProperty("listener_connected").GetBoolean());
            }

            await listener.StopAsync(CancellationToken.None);

            using var down = await node.Client.GetAsync("health/ready");
            Assert.Equal(HttpStatusCode.OK, down.StatusCode);
            var body = await ReadAsync(down);
            Assert.Equal("degraded", body.Str("status"));
            var check = body.GetProperty("checks").GetProperty("queue");
            Assert.Equal("degraded", check.Str("status"));
            Assert.False(check.GetProperty("data").GetProperty("listener_connected").GetBoolean());
            Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").Str("status"));
        }
        finally
        {
            await node.DisposeAsync();
            TestServer.DeleteDirectory(dataDirectory);
            await postgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        using var response = await server.Client.GetAsync("api/v2/nothing-here");

        await response.AssertProblemAsync(404);
    }
}
