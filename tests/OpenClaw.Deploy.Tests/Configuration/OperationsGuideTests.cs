using OpenClaw.Deploy.Tests.Infrastructure;

namespace OpenClaw.Deploy.Tests.Configuration;

/// <summary>docs/operations.md stays true to the code: its settings table is the generated one, every setting listed.</summary>
public sealed class OperationsGuideTests
{
    private static string GuidePath => Repository.PathOf("docs", "operations.md");

    [Fact]
    public void Settings_reference_is_the_one_generated_from_the_options_classes()
    {
        var guide = File.ReadAllText(GuidePath);
        var begin = guide.IndexOf(SettingsReference.Begin, StringComparison.Ordinal);
        var end = guide.IndexOf(SettingsReference.End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/operations.md has no settings block ({SettingsReference.Begin} ... {SettingsReference.End})");
        var current = guide[(begin + SettingsReference.Begin.Length)..end].Trim('\n');
        var generated = SettingsReference.Generate().Trim('\n');
        if (current != generated && Environment.GetEnvironmentVariable("OPENCLAW_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(GuidePath, guide[..(begin + SettingsReference.Begin.Length)] + "\n" + generated + "\n" + guide[end..]);
            return;
        }
        Assert.True(current == generated,
            "docs/operations.md's settings table differs from the options classes; regenerate it with " +
            "OPENCLAW_UPDATE_DOCS=1 dotnet test tests/OpenClaw.Deploy.Tests --filter OperationsGuideTests\n--- generated ---\n" + generated);
    }

    [Fact]
    public void Every_setting_has_a_description_and_appears_in_the_guide()
    {
        var guide = File.ReadAllText(GuidePath);
        var table = SettingsReference.Generate();
        foreach (var setting in SettingsCatalog.All)
        {
            Assert.Contains($"`{setting.EnvironmentVariable}`", guide, StringComparison.Ordinal);
            var row = table.Split('\n').Single(l => l.StartsWith($"| `{setting.Key}` |", StringComparison.Ordinal));
            Assert.False(row.EndsWith("|  |", StringComparison.Ordinal), $"{setting.Key} has no XML summary to describe it");
        }
    }

    [Fact]
    public void Every_options_class_bound_from_configuration_is_in_the_catalog()
    {
        var listed = SettingsCatalog.Roots.Select(r => r.TypeName[(r.TypeName.LastIndexOf('.') + 1)..]).Concat(SettingsCatalog.NotFromConfiguration).ToHashSet(StringComparer.Ordinal);
        var missing = SettingsCatalog.BoundOptionsTypes().Where(t => !listed.Contains(t)).ToList();
        Assert.True(missing.Count == 0, $"options classes bound in src but missing from SettingsCatalog.Roots (so from the settings reference): {string.Join(", ", missing)}");
    }

    [Fact]
    public void Guide_covers_deployment_scaling_restarts_backups_upgrades_monitoring_and_troubleshooting()
    {
        var guide = File.ReadAllText(GuidePath);
        foreach (var heading in new[] { "## Deploy", "## Configuration", "## Scaling", "## Graceful restarts", "## Backup and restore", "## Upgrades and migrations", "## Monitoring", "## Troubleshooting" })
            Assert.Contains(heading, guide, StringComparison.Ordinal);
        foreach (var file in new[] { "deploy/nginx/openclaw.conf", "deploy/kubernetes", "deploy/prometheus/alerts.yml", "deploy/grafana/openclaw-dashboard.json", "deploy/chaos/run.sh", "Dockerfile" })
        {
            Assert.Contains(file, guide, StringComparison.Ordinal);
            Assert.True(File.Exists(Repository.PathOf(file)) || Directory.Exists(Repository.PathOf(file)), $"the guide names {file}, which does not exist");
        }
    }
}
