using System.Text.Json;
using OpenClaw.Deploy.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OpenClaw.Deploy.Tests.Prometheus;

/// <summary>
/// deploy/prometheus (scrape configuration, alert rules and their unit tests) checked by <c>promtool</c>, and every metric
/// the rules and deploy/grafana's dashboard query checked against what a real server exposes at <c>/metrics</c>.
/// </summary>
public sealed class MonitoringFilesTests
{
    private static string PrometheusFolder => Repository.PathOf("deploy", "prometheus");

    private static string DashboardPath => Repository.PathOf("deploy", "grafana", "openclaw-dashboard.json");

    [ToolFact("promtool")]
    public async Task Scrape_configuration_passes_promtool_check_config()
    {
        var (exit, output) = await ExternalTool.RunAsync("promtool", ["check", "config", "prometheus.yml"], PrometheusFolder);
        Assert.True(exit == 0, $"promtool check config failed:\n{output}");
        Assert.Contains("is valid prometheus config file syntax", output, StringComparison.Ordinal);
    }

    [ToolFact("promtool")]
    public async Task Alert_rules_pass_promtool_check_rules()
    {
        var (exit, output) = await ExternalTool.RunAsync("promtool", ["check", "rules", "alerts.yml"], PrometheusFolder);
        Assert.True(exit == 0, $"promtool check rules failed:\n{output}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [ToolFact("promtool")]
    public async Task Alert_rules_fire_as_their_unit_tests_expect()
    {
        var (exit, output) = await ExternalTool.RunAsync("promtool", ["test", "rules", "alerts.test.yml"], PrometheusFolder);
        Assert.True(exit == 0, $"promtool test rules failed:\n{output}");
    }

    [Fact]
    public void Rules_cover_failures_queue_leases_durations_instances_and_dead_letters()
    {
        var alerts = RuleExpressions().Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[]
        {
            "OpenClawInstanceDown", "OpenClawExecutionFailureRate", "OpenClawQueueDepthGrowing", "OpenClawLeaseExpiries",
            "OpenClawStepDurationP95High", "OpenClawExecutionDurationP95High", "OpenClawDeadLetters",
        })
        {
            Assert.Contains(required, alerts);
        }
    }

    [Fact]
    public async Task Every_metric_in_the_alert_rules_is_exposed_by_the_server()
    {
        var families = await MetricsScrape.FamiliesAsync();
        var missing = RuleExpressions()
            .SelectMany(rule => PromQl.MetricNames(rule.Value).Select(name => (rule.Key, Name: name)))
            .Where(x => x.Name != "up" && !families.ContainsKey(PromQl.Family(x.Name, families)))
            .Select(x => $"{x.Key}: {x.Name}")
            .ToList();
        Assert.True(missing.Count == 0, $"rules query metrics the server does not expose: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Every_metric_on_the_dashboard_is_exposed_by_the_server()
    {
        var families = await MetricsScrape.FamiliesAsync();
        var targets = DashboardTargets();
        Assert.True(targets.Count >= 20, $"the dashboard has only {targets.Count} queries");
        var queried = targets.SelectMany(t => PromQl.MetricNames(t.Expression).Select(name => (t.Panel, Name: name))).ToList();
        var missing = queried.Where(x => x.Name != "up" && !families.ContainsKey(PromQl.Family(x.Name, families))).Select(x => $"{x.Panel}: {x.Name}").ToList();
        Assert.True(missing.Count == 0, $"dashboard panels query metrics the server does not expose: {string.Join(", ", missing)}");

        // The spec's metrics all have a panel (network and disk included), and so do the process figures.
        var shown = queried.Select(x => PromQl.Family(x.Name, families)).ToHashSet(StringComparer.Ordinal);
        var spec = new[]
        {
            "cpu_usage_percent", "memory_usage_percent", "disk_usage_percent", "network_io_bytes_total", "http_requests_total",
            "http_request_duration_seconds", "http_requests_errors_total", "active_connections_total", "workflows_executed_total",
            "tasks_processed_total", "plugin_usage_total", "active_users_total", "workflow_execution_duration_seconds",
            "plugin_execution_success_rate", "task_queue_depth", "openclaw_workers_busy", "openclaw_lease_expiries_total",
            "process_cpu_seconds_total", "process_resident_memory_bytes",
        };
        var notShown = spec.Where(name => !shown.Contains(name)).ToList();
        Assert.True(notShown.Count == 0, $"no dashboard panel shows {string.Join(", ", notShown)}");
    }

    [Fact]
    public void Dashboard_is_importable_json_with_unique_panels_and_defined_variables()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = dashboard.RootElement;
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("uid").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        var ids = panels.Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);
        var builtIn = new HashSet<string>(StringComparer.Ordinal) { "__rate_interval", "__interval", "__range" };
        foreach (var panel in panels.Where(p => p.GetProperty("type").GetString() != "row"))
        {
            var title = panel.GetProperty("title").GetString();
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            var grid = panel.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var expression = target.GetProperty("expr").GetString()!;
                foreach (System.Text.RegularExpressions.Match used in System.Text.RegularExpressions.Regex.Matches(expression, @"\$\{?(\w+)"))
                    Assert.True(variables.Contains(used.Groups[1].Value) || builtIn.Contains(used.Groups[1].Value), $"panel '{title}' uses undefined variable ${used.Groups[1].Value}");
            }
        }
    }

    [Fact]
    public void Metric_names_are_read_from_expressions_without_functions_labels_or_durations()
    {
        var names = PromQl.MetricNames(
            "histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{job=\"openclaw\", route!~\".*/events\"}[5m]))) > 1e-9 " +
            "and on (instance) max without (priority) (task_queue_depth offset 5m) or absent(up{role=\"worker\"})");
        Assert.Equal(["http_request_duration_seconds_bucket", "task_queue_depth", "up"], names.Order(StringComparer.Ordinal));
    }

    private static Dictionary<string, string> RuleExpressions()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(PrometheusFolder, "alerts.yml"))) yaml.Load(reader);
        var rules = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (YamlMappingNode group in (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"])
        {
            foreach (YamlMappingNode rule in (YamlSequenceNode)group["rules"])
                rules.Add(((YamlScalarNode)rule["alert"]).Value!, ((YamlScalarNode)rule["expr"]).Value!);
        }
        return rules;
    }

    private static List<(string Panel, string Expression)> DashboardTargets()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (p.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)))
            .ToList();
    }
}
