using System.Net;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Integrations;

/// <summary>Each webhook path gets <c>OpenClaw:Webhooks:RateLimitPerSecond</c> requests a second; more get 429 with Retry-After.</summary>
public sealed class WebhookRateLimitTests : IAsyncLifetime
{
    private readonly string _dataDirectory = TestServer.NewDataDirectory();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_dataDirectory, "--OpenClaw:Webhooks:RateLimitPerSecond", "3");

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TestServer.DeleteDirectory(_dataDirectory);
    }

    [Fact]
    public async Task ABurstOverTheLimit_Gets429_WithRetryAfter_AndOtherPathsAreUnaffected()
    {
        var id = Definitions.NewId();
        using (var r = await _server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using var created = await _server.Client.PostJsonAsync("api/v2/triggers", $$"""{ "workflow_id": "{{id}}" }""");
        var hook = "api/v2/webhooks/" + (await created.ReadJsonAsync()).Str("path");

        var statuses = new List<HttpStatusCode>();
        string? retryAfter = null;
        for (int i = 0; i < 12; i++)
        {
            using var response = await _server.Client.PostJsonAsync(hook, "{}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) retryAfter = response.Headers.RetryAfter?.ToString();
        }

        // Twelve requests span at most a few one-second windows of three: some must be refused.
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(HttpStatusCode.Accepted, statuses);
        Assert.Equal("1", retryAfter);
        using var other = await _server.Client.PostAsync("api/v2/webhooks/" + new string('B', 43), null);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }
}
