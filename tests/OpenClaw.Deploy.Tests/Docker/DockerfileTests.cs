using System.Globalization;
using System.Text.RegularExpressions;
using OpenClaw.Deploy.Tests.Configuration;
using OpenClaw.Deploy.Tests.Infrastructure;
using OpenClaw.Deploy.Tests.Kubernetes;

namespace OpenClaw.Deploy.Tests.Docker;

/// <summary>
/// The Dockerfile's structure: multi-stage, non-root, health-checked on the port the manifests use, bubblewrap installed,
/// copying only what exists and is not ignored. CI has no Docker engine, so the image itself is not built here.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly List<(string Instruction, string Arguments)> Instructions = Parse(Repository.Read("Dockerfile"));

    [Fact]
    public void Builds_in_an_sdk_stage_and_runs_on_the_aspnet_runtime_image()
    {
        var stages = Instructions.Where(i => i.Instruction == "FROM").Select(i => i.Arguments).ToList();
        Assert.Contains(stages, s => s.Contains("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal) && s.EndsWith(" AS build", StringComparison.Ordinal));
        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:", stages[^1], StringComparison.Ordinal);
        var publish = Instructions.Single(i => i.Instruction == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)).Arguments;
        var project = PublishedProject().Match(publish).Groups[1].Value;
        Assert.True(File.Exists(Repository.PathOf(project)), $"dotnet publish names {project}, which does not exist");
        Assert.Equal("[\"dotnet\", \"OpenClaw.Server.dll\"]", Instructions.Single(i => i.Instruction == "ENTRYPOINT").Arguments);
        Assert.Equal("OpenClaw.Server", typeof(OpenClaw.Server.Hosting.OpenClawServer).Assembly.GetName().Name);
    }

    [Fact]
    public void Runs_as_a_non_root_user()
    {
        var user = Instructions.Last(i => i.Instruction == "USER").Arguments;
        Assert.DoesNotMatch("^(0|root)(:.*)?$", user);
        // After the last USER nothing runs as root again.
        var lastUser = Instructions.FindLastIndex(i => i.Instruction == "USER");
        Assert.DoesNotContain(Instructions.Skip(lastUser + 1), i => i.Instruction == "RUN");
    }

    [Fact]
    public void Listens_exposes_and_health_checks_the_port_the_kubernetes_manifests_probe()
    {
        var environment = Environment();
        var urls = environment["Urls"];
        var port = new Uri(urls.Replace("+", "localhost", StringComparison.Ordinal)).Port;
        Assert.Equal(port.ToString(CultureInfo.InvariantCulture), Instructions.Single(i => i.Instruction == "EXPOSE").Arguments);
        var health = Instructions.Single(i => i.Instruction == "HEALTHCHECK").Arguments;
        Assert.Contains($"http://127.0.0.1:{port}/health/live", health, StringComparison.Ordinal);

        var configMap = Manifest.LoadAll(Repository.PathOf("deploy", "kubernetes")).Single(m => m.Kind == "ConfigMap");
        Assert.Equal(urls, configMap.Text("data.Urls"));
        Assert.Equal(environment["OpenClaw__DataDirectory"], configMap.Text("data.OpenClaw__DataDirectory"));
        Assert.All(environment.Keys.Where(k => k.StartsWith("OpenClaw__", StringComparison.Ordinal)), k => Assert.True(SettingsCatalog.IsSetting(k), k));
    }

    [Fact]
    public void Installs_bubblewrap_for_the_sandbox_and_curl_for_the_health_check()
    {
        var install = Instructions.Single(i => i.Instruction == "RUN" && i.Arguments.Contains("apt-get install", StringComparison.Ordinal)).Arguments;
        Assert.Contains("bubblewrap", install, StringComparison.Ordinal);
        Assert.Contains("curl", install, StringComparison.Ordinal);
    }

    [Fact]
    public void Copies_only_sources_that_exist_and_are_not_docker_ignored()
    {
        var ignored = File.ReadAllLines(Repository.PathOf(".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var copy in Instructions.Where(i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal)))
        {
            var sources = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            foreach (var source in sources)
            {
                Assert.True(File.Exists(Repository.PathOf(source)) || Directory.Exists(Repository.PathOf(source)), $"COPY {source}: not in the repository");
                Assert.DoesNotContain(ignored, pattern => string.Equals(pattern.TrimEnd('/'), source.TrimEnd('/'), StringComparison.Ordinal));
            }
        }
        // The server project builds the web app from web/ (web/OpenClaw.Web.targets), so the build stage needs it.
        if (File.ReadAllText(Repository.PathOf("src", "OpenClaw.Server", "OpenClaw.Server.csproj")).Contains(@"..\..\web\", StringComparison.Ordinal))
            Assert.Contains(Instructions, i => i.Instruction == "COPY" && i.Arguments == "web/ web/");
        // Build outputs and local state never go into the build context.
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".git/", ignored);
    }

    private Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in Instructions.Where(i => i.Instruction == "ENV"))
        {
            foreach (Match pair in EnvPair().Matches(env.Arguments)) environment[pair.Groups[1].Value] = pair.Groups[2].Value;
        }
        return environment;
    }

    /// <summary>Instructions with continuation lines joined and comments dropped.</summary>
    private static List<(string, string)> Parse(string dockerfile)
    {
        var joined = Continuation().Replace(string.Join("\n", dockerfile.Split('\n').Where(l => !l.TrimStart().StartsWith('#'))), " ");
        return joined.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2))
            .Select(parts => (parts[0].ToUpperInvariant(), parts.Length > 1 ? Whitespace().Replace(parts[1], " ").Trim() : ""))
            .ToList();
    }

    [GeneratedRegex(@"\\\s*\n")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();

    [GeneratedRegex(@"(\w+)=(\S+)")]
    private static partial Regex EnvPair();
}
