using System.Net;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

public sealed class HealthEndpointsTests(TestServer server) : IClassFixture<TestServer>
{
    [Theory]
    [InlineData("health/live")]
    [InlineData("health/ready")]
    public async Task Health_Returns200Healthy(string path)
    {
        using var response = await server.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Without bubblewrap (and weak isolation not allowed) the plugins check reports degraded: see the tests below.
        var expected = path == "health/live" || SandboxFactAttribute.BubblewrapInstalled ? "Healthy" : "Degraded";
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("false", "Degraded")]
    [InlineData("true", "Healthy")]
    public async Task Ready_WithoutBubblewrap_IsDegradedUnlessWeakIsolationIsAllowed(string allowWeak, string expected)
    {
        var dataDirectory = TestServer.NewDataDirectory();
        var other = await TestServer.StartAsync(dataDirectory,
            "--OpenClaw:Sandbox:BubblewrapPath", "/nonexistent/bwrap", "--OpenClaw:Sandbox:AllowWeakIsolation", allowWeak);
        try
        {
            using var response = await other.Client.GetAsync("health/ready");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await other.DisposeAsync();
            TestServer.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        using var response = await server.Client.GetAsync("api/v2/nothing-here");

        await response.AssertProblemAsync(404);
    }
}
