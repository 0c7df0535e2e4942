using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using OpenClaw.Deploy.Tests.Infrastructure;
using OpenClaw.Runtime.Tests.Processes;

namespace OpenClaw.Deploy.Tests.Nginx;

/// <summary>
/// deploy/nginx/openclaw.conf as shipped (rendered for loopback ports only), checked by <c>nginx -t</c> and then run
/// in front of real HTTP servers: request ids, fail-over, body limits, unbuffered server-sent events, webhook rate limit.
/// </summary>
public sealed class NginxConfigTests : IAsyncLifetime, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private EchoBackend _first = null!;
    private EchoBackend _second = null!;

    public async Task InitializeAsync()
    {
        _first = await EchoBackend.StartAsync("first");
        _second = await EchoBackend.StartAsync("second");
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [ToolFact("nginx")]
    public async Task Shipped_configuration_rendered_for_loopback_passes_nginx_t()
    {
        var folder = Directory.CreateTempSubdirectory("deploy-nginx-t-").FullName;
        try
        {
            var main = NginxConfig.WriteAll(folder, NginxConfig.Render([_first.Port, _second.Port], ServerProcess.FreePort(), folder));
            var (exit, output) = await ExternalTool.RunAsync("nginx", ["-t", "-p", folder, "-e", Path.Combine(folder, "error.log"), "-c", main]);
            Assert.True(exit == 0, $"nginx -t failed:\n{output}");
            Assert.Contains("test is successful", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Rendering_fails_loudly_when_the_shipped_file_loses_a_directive_it_rewrites()
    {
        // The renderer must not silently test a file whose listen or upstream lines it could not rewrite.
        var shipped = File.ReadAllText(NginxConfig.ShippedPath);
        Assert.Matches(new Regex(@"upstream openclaw_api \{[^}]*max_fails=\d+ fail_timeout=\d+s;[^}]*keepalive \d+;", RegexOptions.Singleline), shipped);
        Assert.Matches(new Regex(@"location = /metrics \{[^}]*deny all;", RegexOptions.Singleline), shipped);
        var rendered = NginxConfig.Render([1111, 2222, 3333], 4444, "/tmp/x");
        Assert.Equal(3, Regex.Count(rendered, @"server 127\.0\.0\.1:(1111|2222|3333) max_fails=3 fail_timeout=10s;"));
        Assert.DoesNotContain("10.0.0.1", rendered, StringComparison.Ordinal);
        Assert.Contains("listen 127.0.0.1:4444;", rendered, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NginxConfig.Render([], 4444, "/tmp/x"));
    }

    [ToolFact("nginx")]
    public async Task Request_ids_are_generated_or_kept_forwarded_upstream_and_returned()
    {
        using var nginx = await NginxProcess.StartAsync([_first.Port]);

        using var generated = await _http.GetAsync($"{nginx.BaseUrl}/echo");
        var seen = (await EchoBackend.ReadJsonAsync(generated)).GetProperty("request_id").GetString();
        Assert.Matches("^[0-9a-f]{32}$", seen);
        Assert.Equal(seen, generated.Headers.GetValues("X-Request-Id").Single());

        using var kept = new HttpRequestMessage(HttpMethod.Get, $"{nginx.BaseUrl}/echo");
        kept.Headers.Add("X-Request-Id", "client-42.a:b");
        using var keptResponse = await _http.SendAsync(kept);
        Assert.Equal("client-42.a:b", (await EchoBackend.ReadJsonAsync(keptResponse)).GetProperty("request_id").GetString());
        Assert.Equal("client-42.a:b", keptResponse.Headers.GetValues("X-Request-Id").Single());

        // Not a well-formed id (spaces, too long): replaced by nginx's own rather than passed into logs.
        using var replaced = new HttpRequestMessage(HttpMethod.Get, $"{nginx.BaseUrl}/echo");
        replaced.Headers.TryAddWithoutValidation("X-Request-Id", "bad id " + new string('x', 200));
        using var replacedResponse = await _http.SendAsync(replaced);
        Assert.Matches("^[0-9a-f]{32}$", (await EchoBackend.ReadJsonAsync(replacedResponse)).GetProperty("request_id").GetString());
    }

    [ToolFact("nginx")]
    public async Task Requests_fail_over_to_the_live_process_when_one_refuses_connections()
    {
        var dead = ServerProcess.FreePort();
        using var nginx = await NginxProcess.StartAsync([dead, _first.Port]);
        for (var i = 0; i < 20; i++)
        {
            using var get = await _http.GetAsync($"{nginx.BaseUrl}/echo");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            // A refused connection never reached a process, so even a POST is passed on to the next one.
            using var post = await _http.PostAsync($"{nginx.BaseUrl}/api/v2/workflows/w/executions", new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        }
        Assert.Contains("connect() failed", nginx.ErrorLog, StringComparison.Ordinal);
    }

    [ToolFact("nginx")]
    public async Task Requests_are_balanced_over_every_api_process()
    {
        using var nginx = await NginxProcess.StartAsync([_first.Port, _second.Port]);
        var backends = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            using var get = await _http.GetAsync($"{nginx.BaseUrl}/echo");
            backends.Add((await EchoBackend.ReadJsonAsync(get)).GetProperty("backend").GetString()!);
        }
        Assert.Equal(["first", "second"], backends.Order(StringComparer.Ordinal));
    }

    [ToolFact("nginx")]
    public async Task Bodies_over_the_server_limit_are_refused_with_413_except_plugin_uploads()
    {
        using var nginx = await NginxProcess.StartAsync([_first.Port]);
        // The server's default limit: nginx must refuse exactly what the API process would.
        var limit = (int)new OpenClaw.Server.Hosting.OpenClawServerOptions().MaxRequestBodyBytes;

        using var under = await _http.PostAsync($"{nginx.BaseUrl}/api/v2/workflows", new ByteArrayContent(new byte[limit - 1024]));
        Assert.Equal(HttpStatusCode.OK, under.StatusCode);
        Assert.Equal(limit - 1024, (await EchoBackend.ReadJsonAsync(under)).GetProperty("received").GetInt64());

        using var over = await _http.PostAsync($"{nginx.BaseUrl}/api/v2/workflows", new ByteArrayContent(new byte[limit + 1024]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);

        using var plugin = await _http.PostAsync($"{nginx.BaseUrl}/api/v2/plugins", new ByteArrayContent(new byte[limit * 2]));
        Assert.Equal(HttpStatusCode.OK, plugin.StatusCode);
        Assert.Equal(limit * 2, (await EchoBackend.ReadJsonAsync(plugin)).GetProperty("received").GetInt64());
    }

    [ToolFact("nginx")]
    public async Task Server_sent_events_reach_the_client_before_the_stream_ends()
    {
        using var nginx = await NginxProcess.StartAsync([_first.Port]);
        using var response = await _http.GetAsync($"{nginx.BaseUrl}/api/v2/executions/{Guid.NewGuid()}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.Single(response.Headers.GetValues("X-Request-Id"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The backend holds the stream open after the first event: with buffering it would never arrive.
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("event: step", first);
        Assert.Equal("data: {\"n\":1}", await reader.ReadLineAsync());
        _first.ReleaseSecondEvent.SetResult();
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("data: {\"n\":2}", rest, StringComparison.Ordinal);
    }

    [ToolFact("nginx")]
    public async Task Webhooks_beyond_the_rate_limit_and_burst_get_429()
    {
        // 1 request a second plus the shipped burst of 200: of 260 back-to-back requests, about 59 are refused.
        using var nginx = await NginxProcess.StartAsync([_first.Port], webhookRate: "1r/s");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 260; i++)
        {
            using var response = await _http.PostAsync($"{nginx.BaseUrl}/api/v2/webhooks/secret-path", new StringContent("{}", Encoding.UTF8, "application/json"));
            statuses.Add(response.StatusCode);
        }
        var accepted = statuses.Count(s => s == HttpStatusCode.Accepted);
        var limited = statuses.Count(s => s == (HttpStatusCode)429);
        Assert.Equal(statuses.Count, accepted + limited);
        Assert.InRange(accepted, 201, 230);
        // Other paths are not limited.
        using var api = await _http.GetAsync($"{nginx.BaseUrl}/echo");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }
}
