using System.Text.RegularExpressions;
using OpenClaw.Runtime.Tests.Processes;

namespace OpenClaw.Deploy.Tests.Prometheus;

/// <summary>The metric families (name → type) a real server process exposes at <c>/metrics</c>, read once per test run.</summary>
internal static partial class MetricsScrape
{
    private static readonly Lazy<Task<IReadOnlyDictionary<string, string>>> Families = new(ScrapeAsync);

    public static Task<IReadOnlyDictionary<string, string>> FamiliesAsync() => Families.Value;

    private static async Task<IReadOnlyDictionary<string, string>> ScrapeAsync()
    {
        var data = Directory.CreateTempSubdirectory("deploy-metrics-").FullName;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var server = await ServerProcess.StartAsync(data, http, TimeSpan.FromSeconds(90));
            var text = await http.GetStringAsync($"{server.BaseUrl}/metrics");
            // Families are declared (# TYPE) in every scrape, even before their first sample.
            return TypeLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
