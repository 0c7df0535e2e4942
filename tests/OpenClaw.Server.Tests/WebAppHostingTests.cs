using System.Net;
using System.Net.Http.Headers;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

/// <summary>A server serving a small built app folder (index.html, a hashed asset with its gzip copy, a manifest); one per test class.</summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    public const string Index = "<!doctype html><title>OpenClaw test app</title>";
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "openclaw-webapp-tests-" + Guid.NewGuid().ToString("N"));
    private readonly string _data = TestServer.NewDataDirectory();
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "assets"));
        await File.WriteAllTextAsync(Path.Combine(Root, "index.html"), Index);
        await File.WriteAllTextAsync(Path.Combine(Root, "assets", "index-3f9a1c.js"), "console.log('app');");
        await File.WriteAllTextAsync(Path.Combine(Root, "manifest.webmanifest"), "{\"name\":\"OpenClaw\"}");
        await using (var gz = new System.IO.Compression.GZipStream(File.Create(Path.Combine(Root, "assets", "index-3f9a1c.js.gz")), System.IO.Compression.CompressionLevel.Optimal))
            await gz.WriteAsync("console.log('app');"u8.ToArray());
        Server = await TestServer.StartAsync(_data, "--OpenClaw:WebApp:Root", Root);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        TestServer.DeleteDirectory(_data);
        TestServer.DeleteDirectory(Root);
    }
}

/// <summary>The server serves the web app at / from a built folder: files, the SPA fallback, cache headers, and never for API paths.</summary>
public sealed class WebAppHostingTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    private const string Index = WebAppFixture.Index;

    private async Task<HttpResponseMessage> GetHtmlAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return await app.Server.Client.SendAsync(request);
    }

    [Theory]
    [InlineData("")]
    [InlineData("workflows")]
    [InlineData("workflows/order-sync")]
    [InlineData("executions/0192f0c1-8b1e-7000-8000-000000000000")]
    public async Task AppRoutes_AnswerIndexHtml_RevalidatedOnEveryLoad(string path)
    {
        using var response = await GetHtmlAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Index, await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task HashedAssets_AreCachedForAYear()
    {
        using var response = await app.Server.Client.GetAsync("assets/index-3f9a1c.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("console.log('app');", await response.Content.ReadAsStringAsync());
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientsAcceptingGzip_GetTheBuildsCompressedCopy()
    {
        using var handler = new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None };
        using var client = new HttpClient(handler) { BaseAddress = app.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "assets/index-3f9a1c.js");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        await using var body = new System.IO.Compression.GZipStream(await response.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        Assert.Equal("console.log('app');", await new StreamReader(body).ReadToEndAsync());

        using var plain = await client.GetAsync("assets/index-3f9a1c.js");
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal("console.log('app');", await plain.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnhashedFiles_AreRevalidated()
    {
        using var response = await app.Server.Client.GetAsync("manifest.webmanifest");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Theory]
    [InlineData("api/v2/no-such-resource")]
    [InlineData("api")]
    [InlineData("webhooks/unknown-path")]
    [InlineData("health/nothing")]
    [InlineData("metrics/extra")]
    [InlineData("assets/missing-123.js")]
    [InlineData("missing.png")]
    public async Task ServerPathsAndMissingFiles_Are404_NeverTheApp(string path)
    {
        using var response = await GetHtmlAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("OpenClaw test app", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiAndOperations_StillAnswerThemselves()
    {
        using var workflows = await app.Server.Client.GetAsync("api/v2/workflows");
        using var live = await app.Server.Client.GetAsync("health/live");
        using var metrics = await app.Server.Client.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.OK, workflows.StatusCode);
        Assert.Equal("application/json", workflows.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.DoesNotContain("OpenClaw test app", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonGetRequests_AndNonHtmlClients_GetNoPage()
    {
        using var post = await app.Server.Client.PostAsync("workflows/x", new StringContent("{}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "workflows/x");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var json = await app.Server.Client.SendAsync(request);

        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
    }

    [Fact]
    public async Task WithoutABuiltApp_TheApiStillRuns_AndTheRootIs404()
    {
        var data = TestServer.NewDataDirectory();
        var server = await TestServer.StartAsync(data, "--OpenClaw:WebApp:Root", Path.Combine(app.Root, "not-built"));
        try
        {
            using var root = await server.Client.GetAsync("");
            using var api = await server.Client.GetAsync("api/v2/workflows");

            Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
            TestServer.DeleteDirectory(data);
        }
    }
}
