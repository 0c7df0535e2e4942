using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OpenClaw.Server.Observability;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Observability;

/// <summary><c>GET /metrics</c> on the real server: every metric the spec names, with values that follow what ran.</summary>
public sealed class MetricsEndpointTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<string> CreateAsync(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var id = doc.RootElement.Str("id");
        using var response = await _http.PostJsonAsync("api/v2/workflows", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return id;
    }

    private async Task<string> RunToEndAsync(string workflowId)
    {
        using var response = await _http.PostJsonAsync($"api/v2/workflows/{workflowId}/executions", "{}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.OriginalString.TrimStart('/');
        var done = await Poll.UntilAsync(
            () => _http.GetJsonAsync(location),
            e => e.Str("status") is "succeeded" or "failed" or "cancelled",
            what: $"{location} to finish");
        return done.Str("status");
    }

    private async Task<Exposition> ScrapeAsync()
    {
        using var response = await _http.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        return Exposition.Parse(text);
    }

    /// <summary>Scrapes until <paramref name="until"/> holds: execution events are counted by a listener, a moment after the commit.</summary>
    private Task<Exposition> ScrapeUntilAsync(Func<Exposition, bool> until, string what) =>
        Poll.UntilAsync(ScrapeAsync, until, what: what);

    private static void AssertHistogram(Exposition scrape, string name, params (string Name, string Value)[] labels)
    {
        var buckets = scrape.Of(name + "_bucket", labels).ToList();
        Assert.NotEmpty(buckets);
        var values = buckets.Select(b => b.Value).ToList();
        Assert.Equal(values.Order(), values);
        var bounds = buckets.Select(b => b.Labels["le"]).ToList();
        Assert.Equal("+Inf", bounds[^1]);
        Assert.Equal(values[^1], scrape.Value(name + "_count", labels));
        Assert.True(scrape.Value(name + "_sum", labels) >= 0);
    }

    [Fact]
    public async Task Scrape_AfterWorkflowsRan_ShowsEverySpecMetricWithSaneValues()
    {
        var hello = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));
        var failing = await CreateAsync(Definitions.FailingJson(Definitions.NewId("fail")));
        Assert.Equal("succeeded", await RunToEndAsync(hello));
        Assert.Equal("failed", await RunToEndAsync(failing));

        var scrape = await ScrapeUntilAsync(
            s => s.Value("workflows_executed_total", ("workflow", hello), ("status", "succeeded")) == 1
                && s.Value("workflows_executed_total", ("workflow", failing), ("status", "failed")) == 1,
            "both executions to be counted");

        foreach (var name in MetricsExporter.SpecMetricNames)
            Assert.True(scrape.Types.ContainsKey(name), $"# TYPE {name} is missing from the scrape");
        // Every family has samples except the server-error counter, whose series appear with the first 5xx.
        foreach (var name in MetricsExporter.SpecMetricNames.Where(n => n != "http_requests_errors_total"))
            Assert.True(scrape.Samples.Any(s => s.Name == name || s.Name.StartsWith(name + "_", StringComparison.Ordinal)), $"{name} has no samples");

        // System: percentages within bounds, network counters present per interface and direction.
        Assert.InRange(scrape.Value("cpu_usage_percent")!.Value, 0, 100);
        Assert.InRange(scrape.Value("memory_usage_percent")!.Value, 0.000001, 100);
        Assert.InRange(scrape.Value("disk_usage_percent", ("path", server.DataDirectory))!.Value, 0.000001, 100);
        Assert.Contains(scrape.Of("network_io_bytes_total"), s => s.Has(("direction", "receive")));
        Assert.Contains(scrape.Of("network_io_bytes_total"), s => s.Has(("direction", "transmit")));
        Assert.All(scrape.Of("network_io_bytes_total"), s => Assert.True(s.Value >= 0));
        Assert.Equal("counter", scrape.Types["network_io_bytes_total"]);

        // Application: requests by route template, not raw path; the scrape itself is in flight.
        Assert.True(scrape.Value("http_requests_total", ("method", "POST"), ("route", "/api/v2/workflows/"), ("status", "201")) >= 2);
        Assert.True(scrape.Value("http_requests_total", ("method", "POST"), ("route", "/api/v2/workflows/{id}/executions"), ("status", "202")) >= 2);
        Assert.DoesNotContain(scrape.Of("http_requests_total"), s => s.Labels["route"].Contains(hello, StringComparison.Ordinal));
        AssertHistogram(scrape, "http_request_duration_seconds", ("method", "POST"), ("route", "/api/v2/workflows/"), ("status", "201"));
        Assert.Equal("counter", scrape.Types["http_requests_errors_total"]);
        Assert.True(scrape.Value("active_connections_total") >= 1);

        // Business: per-workflow outcomes, settled tasks, plugin use; nobody is logged in (no authentication yet).
        Assert.True(scrape.Value("tasks_processed_total", ("status", "succeeded")) >= 2);
        Assert.True(scrape.Value("tasks_processed_total", ("status", "failed")) >= 1);
        Assert.True(scrape.Value("plugin_usage_total", ("plugin", "log")) >= 1);
        Assert.True(scrape.Value("plugin_usage_total", ("plugin", "noop")) >= 1);
        Assert.Equal(0, scrape.Value("active_users_total"));

        // Custom: duration histogram per workflow, success rate per plugin.
        AssertHistogram(scrape, "workflow_execution_duration_seconds", ("workflow", hello));
        Assert.Equal(1, scrape.Value("workflow_execution_duration_seconds_count", ("workflow", hello)));
        Assert.Equal(1, scrape.Value("plugin_execution_success_rate", ("plugin", "log")));
        Assert.True(scrape.Value("plugin_execution_success_rate", ("plugin", "transform")) < 1);
        Assert.All(scrape.Of("plugin_execution_success_rate"), s => Assert.InRange(s.Value, 0, 1));
        Assert.Equal(4, scrape.Of("task_queue_depth").Count());

        Assert.Equal(1, scrape.Value("openclaw_build_info"));
    }

    [Fact]
    public async Task Scrape_CountersOnlyGrow_AsMoreWorkflowsRun()
    {
        var hello = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));
        await RunToEndAsync(hello);
        var before = await ScrapeUntilAsync(s => s.Value("workflows_executed_total", ("workflow", hello), ("status", "succeeded")) == 1, "the first run to be counted");

        await RunToEndAsync(hello);
        var after = await ScrapeUntilAsync(s => s.Value("workflows_executed_total", ("workflow", hello), ("status", "succeeded")) == 2, "the second run to be counted");

        Assert.True(after.Value("tasks_processed_total", ("status", "succeeded")) >= before.Value("tasks_processed_total", ("status", "succeeded")) + 2);
        Assert.True(after.Value("plugin_usage_total", ("plugin", "log")) > before.Value("plugin_usage_total", ("plugin", "log")));
        Assert.True(after.Of("http_requests_total").Sum(s => s.Value) > before.Of("http_requests_total").Sum(s => s.Value));
        Assert.Equal(2, after.Value("workflow_execution_duration_seconds_count", ("workflow", hello)));
    }

    [Fact]
    public async Task Scrape_QueueDepth_ReflectsADelayedExecution()
    {
        var before = await ScrapeAsync();
        var queuedBefore = before.Of("task_queue_depth").Sum(s => s.Value);
        var delayed = await CreateAsync(Definitions.DelayJson(Definitions.NewId("delay"), "1h"));

        using var response = await _http.PostJsonAsync($"api/v2/workflows/{delayed}/executions", "{}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        // The cache holds a count for a second; polling sees the new one once it expires.
        var scrape = await ScrapeUntilAsync(s => s.Of("task_queue_depth").Sum(x => x.Value) > queuedBefore, "the delayed step to be counted as queued");
        Assert.True(scrape.Value("task_queue_depth", ("priority", "normal")) >= 1);
        Assert.Equal(["critical", "high", "low", "normal"], scrape.Of("task_queue_depth").Select(s => s.Labels["priority"]).Order());
    }

    [Fact]
    public async Task Scrape_UnmatchedPaths_ShareOneRouteLabel()
    {
        // Under /api: other unknown GET paths get the web app's index.html (its fallback route), API paths never do.
        using (await _http.GetAsync($"api/v2/no/such/{Guid.NewGuid():N}")) { }

        var scrape = await ScrapeAsync();

        Assert.True(scrape.Value("http_requests_total", ("method", "GET"), ("route", "unmatched"), ("status", "404")) >= 1);
        Assert.DoesNotContain(scrape.Of("http_requests_total"), s => s.Labels["route"].Contains("/no/such", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_IsNotUnderTheVersionedApi()
    {
        using var response = await _http.GetAsync("api/v2/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [PromtoolFact]
    public async Task Scrape_PassesPromtoolCheckMetrics()
    {
        var hello = await CreateAsync(Definitions.HelloJson(Definitions.NewId()));
        await RunToEndAsync(hello);
        var scrape = await ScrapeUntilAsync(s => s.Value("workflows_executed_total", ("workflow", hello), ("status", "succeeded")) == 1, "the run to be counted");

        var promtool = Promtool.Path ?? throw new InvalidOperationException("CI=true but promtool is not installed (Debian package prometheus).");
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(scrape.Text);
        process.StandardInput.Close();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"promtool check metrics exited {process.ExitCode}:\n{await stdout}{await stderr}\n--- scrape ---\n{scrape.Text}");
    }
}

/// <summary>Finds <c>promtool</c> (Debian package <c>prometheus</c>).</summary>
internal static class Promtool
{
    public static string? Path =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => System.IO.Path.Combine(folder, "promtool"))
            .FirstOrDefault(File.Exists);
}

/// <summary>
/// A test that runs <c>promtool</c>: skipped, with the reason in the report, only when it is missing outside CI; with
/// <c>CI=true</c> it runs and fails if promtool is missing, so CI cannot pass without the check.
/// </summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (Promtool.Path is null && !inCi)
            Skip = "promtool is not installed (apt-get install prometheus); CI=true makes this a failure instead of a skip.";
    }
}
