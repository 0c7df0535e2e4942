using System.Net;
using System.Net.Http.Headers;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

public sealed class ApiVersioningTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task V1_Answers_WithDeprecationAndSunsetHeaders()
    {
        using var response = await server.Client.GetAsync("api/v1/workflows");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v1", response.Headers.GetValues("X-API-Deprecated").Single());
        Assert.Equal("2027-06-30", response.Headers.GetValues("X-API-Sunset").Single());
        Assert.Equal("true", response.Headers.GetValues("Deprecation").Single());
    }

    [Fact]
    public async Task V2_HasNoDeprecationHeaders()
    {
        using var response = await server.Client.GetAsync("api/v2/workflows");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-API-Deprecated"));
        Assert.False(response.Headers.Contains("X-API-Sunset"));
    }

    [Fact]
    public async Task UnversionedPath_DefaultsToV2()
    {
        using var response = await server.Client.GetAsync("api/workflows");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-API-Deprecated"));
    }

    [Theory]
    [InlineData("application/vnd.openclaw.v1+json")]
    [InlineData("application/json; version=1")]
    public async Task AcceptHeader_SelectsV1_OnAnUnversionedPath(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/workflows");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v1", response.Headers.GetValues("X-API-Deprecated").Single());
    }

    [Theory]
    [InlineData("api/workflows", "application/vnd.openclaw.v3+json")]
    [InlineData("api/v3/workflows", null)]
    [InlineData("api/v2/workflows", "application/vnd.openclaw.v1+json")]
    public async Task UnsupportedOrConflictingVersion_Returns406Problem(string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));

        using var response = await server.Client.SendAsync(request);

        await response.AssertProblemAsync(406);
    }
}
