using System.Diagnostics;
using System.Net;
using OpenClaw.Server.Observability;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Observability;

/// <summary>The real <c>/metrics</c> output checked by Prometheus's own linter, <c>promtool check metrics</c>.</summary>
public sealed class PromtoolTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly string? Promtool =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists);

    [PromtoolFact]
    public async Task Metrics_PassPromtoolCheck_AndCarryEverySpecMetricName()
    {
        // Something ran, so execution, task and plugin families have series (labels promtool also checks).
        var id = Definitions.NewId("prom");
        (await server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();
        using (var started = await server.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var location = started.Headers.Location!.OriginalString.TrimStart('/');
            await Poll.UntilAsync(() => server.Client.GetJsonAsync(location), e => e.Str("status") == "succeeded");
        }
        (await server.Client.GetAsync("no/such/path")).Dispose();
        var text = await Poll.UntilAsync(() => server.Client.GetStringAsync("metrics"),
            t => t.Contains($"workflows_executed_total{{workflow=\"{id}\"", StringComparison.Ordinal), what: "the run to be counted");

        var (exitCode, output) = await RunPromtoolAsync(text);

        Assert.True(exitCode == 0, $"promtool check metrics failed ({exitCode}):\n{output}");
        // promtool prints lint findings (naming, help text) without failing; there must be none.
        Assert.True(string.IsNullOrWhiteSpace(output), $"promtool reported:\n{output}");
        foreach (var name in MetricsExporter.SpecMetricNames)
            Assert.Contains($"# TYPE {name} ", text);
    }

    [PromtoolFact]
    public async Task Promtool_RejectsBrokenExposition_SoTheCheckAboveCanFail()
    {
        var (exitCode, output) = await RunPromtoolAsync("# TYPE x counter\nx{a=\"1\" 1\n");

        Assert.NotEqual(0, exitCode);
        Assert.False(string.IsNullOrWhiteSpace(output));
    }

    private static async Task<(int ExitCode, string Output)> RunPromtoolAsync(string exposition)
    {
        var start = new ProcessStartInfo(Promtool ?? "promtool")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>Needs promtool (Debian package prometheus): skipped with the reason outside CI, required in CI (<c>CI=true</c>).</summary>
    [AttributeUsage(AttributeTargets.Method)]
    private sealed class PromtoolFactAttribute : FactAttribute
    {
        public PromtoolFactAttribute()
        {
            if (Promtool is null && Environment.GetEnvironmentVariable("CI") != "true")
                Skip = "promtool is not installed: apt-get install -y prometheus";
        }
    }
}
