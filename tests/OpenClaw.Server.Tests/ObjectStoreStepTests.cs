using System.Net;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests;

/// <summary>Steps get the server's object store: what one step puts, a later step of another execution gets.</summary>
public sealed class ObjectStoreStepTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task ObjectStoragePlugin_PutsAndGets_ThroughTheServersStore()
    {
        var id = Definitions.NewId("objects");
        var key = $"reports/{id}.txt";
        var yaml = $$$"""
            id: {{{id}}}
            name: objects
            steps:
              - id: put
                type: plugin
                config: { plugin: object-storage, inputs: { operation: put, key: "{{{key}}}", content: "hello store", content_type: text/plain } }
                next_steps: [get]
              - id: get
                type: plugin
                config: { plugin: object-storage, inputs: { operation: get, key: "{{{key}}}" } }
            outputs:
              content: "${{ steps.get.output.content }}"
              size: "${{ steps.put.output.size }}"
            """;
        using (var created = await server.Client.PostAsync("api/v2/workflows", HttpJson.Yaml(yaml)))
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        using var started = await server.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
        var location = started.Headers.Location!.OriginalString.TrimStart('/');
        var done = await Poll.UntilAsync(() => server.Client.GetJsonAsync(location), e => e.Str("status") is "succeeded" or "failed",
            what: "the object-storage workflow to finish");

        Assert.True(done.Str("status") == "succeeded", done.ToString());
        Assert.Equal("hello store", done.GetProperty("outputs").Str("content"));
        Assert.Equal(11, done.GetProperty("outputs").GetProperty("size").GetInt32());
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "objects", "reports", $"{id}.txt")));
    }
}
