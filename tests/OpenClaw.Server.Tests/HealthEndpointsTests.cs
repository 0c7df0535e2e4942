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
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        using var response = await server.Client.GetAsync("api/v2/nothing-here");

        await response.AssertProblemAsync(404);
    }
}
