using System.Globalization;
using OpenClaw.Deploy.Tests.Configuration;
using OpenClaw.Deploy.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OpenClaw.Deploy.Tests.Kubernetes;

/// <summary>
/// Every manifest under deploy/kubernetes parses and holds together: known kinds, names, labels that selectors match,
/// probes on the health endpoints at the container's declared port, references to objects that exist, and environment
/// variables that are real settings (checked against the options classes by reflection).
/// </summary>
public sealed class KubernetesManifestTests
{
    private const string Namespace = "openclaw";

    private static readonly HashSet<(string ApiVersion, string Kind)> KnownKinds =
    [
        ("v1", "Namespace"), ("v1", "ConfigMap"), ("v1", "Secret"), ("v1", "Service"), ("apps/v1", "Deployment"),
        ("networking.k8s.io/v1", "Ingress"), ("policy/v1", "PodDisruptionBudget"), ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("kustomize.config.k8s.io/v1beta1", "Kustomization"), ("monitoring.coreos.com/v1", "PodMonitor"),
    ];

    /// <summary>Variables the server reads that are not OpenClaw settings: ASP.NET Core's, the .NET runtime's, logging.</summary>
    private static readonly string[] PlatformPrefixes = ["ASPNETCORE_", "DOTNET_", "Logging__", "Urls"];

    private static readonly List<Manifest> All = Manifest.LoadAll(Repository.PathOf("deploy", "kubernetes"));

    private static IEnumerable<Manifest> OfKind(string kind) => All.Where(m => m.Kind == kind);

    [Fact]
    public void Every_manifest_has_a_known_api_version_and_kind_a_name_and_the_openclaw_labels()
    {
        Assert.True(All.Count >= 12, $"only {All.Count} manifests");
        foreach (var manifest in All)
        {
            Assert.True(KnownKinds.Contains((manifest.ApiVersion, manifest.Kind)), $"{manifest}: unknown apiVersion/kind {manifest.ApiVersion}/{manifest.Kind}");
            if (manifest.Kind == "Kustomization") continue;
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", manifest.Name);
            Assert.Equal("openclaw", Manifest.Map(manifest.Node("metadata.labels")).GetValueOrDefault("app.kubernetes.io/name"));
            if (manifest.Kind != "Namespace") Assert.True(manifest.Namespace == Namespace, $"{manifest}: namespace {manifest.Namespace}");
        }
        var names = All.Where(m => m.Kind != "Kustomization").Select(m => (m.Kind, m.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void There_is_one_deployment_per_role_and_each_sets_its_role()
    {
        var roles = OfKind("Deployment").Select(d => (Deployment: d, Role: Env(d).GetValueOrDefault("OpenClaw__Role"))).ToList();
        Assert.Equal(["api", "scheduler", "worker"], roles.Select(r => r.Role).Order(StringComparer.Ordinal));
        foreach (var (deployment, role) in roles)
            Assert.Equal(role, Manifest.Map(deployment.Node("spec.template.metadata.labels")).GetValueOrDefault("app.kubernetes.io/component"));
    }

    [Fact]
    public void Deployment_selectors_match_their_pod_labels()
    {
        foreach (var deployment in OfKind("Deployment"))
        {
            var selector = Manifest.Map(deployment.Node("spec.selector.matchLabels"));
            Assert.NotEmpty(selector);
            Assert.True(Matches(selector, Manifest.Map(deployment.Node("spec.template.metadata.labels"))), $"{deployment}: selector does not match the pod labels");
        }
    }

    [Fact]
    public void Probes_point_at_the_health_endpoints_on_the_port_the_container_declares_and_the_server_listens_on()
    {
        var listening = new Uri(ConfigMapData()["Urls"].Replace("+", "localhost", StringComparison.Ordinal)).Port;
        foreach (var deployment in OfKind("Deployment"))
        {
            foreach (var container in Containers(deployment))
            {
                var ports = Manifest.Items(Manifest.Find(container, "ports")).ToDictionary(
                    p => Manifest.TextAt(p, "name") ?? "", p => int.Parse(Manifest.TextAt(p, "containerPort")!, CultureInfo.InvariantCulture), StringComparer.Ordinal);
                Assert.True(ports.ContainsValue(listening), $"{deployment}: no container port {listening} (Urls)");
                foreach (var (probe, path) in new[] { ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready"), ("startupProbe", "/health/live") })
                {
                    var get = Manifest.Find(container, $"{probe}.httpGet");
                    Assert.True(get is not null, $"{deployment}: no {probe}.httpGet");
                    Assert.Equal(path, Manifest.TextAt(get!, "path"));
                    var port = Manifest.TextAt(get!, "port")!;
                    var number = int.TryParse(port, CultureInfo.InvariantCulture, out var n) ? n : ports.GetValueOrDefault(port, -1);
                    Assert.True(number == listening, $"{deployment}: {probe} port '{port}' is not the container's port {listening}");
                }
                var annotations = Manifest.Map(deployment.Node("spec.template.metadata.annotations"));
                Assert.Equal(listening.ToString(CultureInfo.InvariantCulture), annotations.GetValueOrDefault("prometheus.io/port"));
                Assert.Equal("/metrics", annotations.GetValueOrDefault("prometheus.io/path"));
            }
        }
    }

    [Fact]
    public void Containers_run_non_root_read_only_without_privileges_and_with_requests_and_limits()
    {
        foreach (var deployment in OfKind("Deployment"))
        {
            var pod = deployment.Node("spec.template.spec")!;
            Assert.Equal("true", Manifest.TextAt(pod, "securityContext.runAsNonRoot"));
            Assert.NotEqual("0", Manifest.TextAt(pod, "securityContext.runAsUser"));
            var volumes = Manifest.Items(Manifest.Find(pod, "volumes")).Select(v => Manifest.TextAt(v, "name")).ToHashSet(StringComparer.Ordinal);
            foreach (var container in Containers(deployment))
            {
                Assert.Equal("false", Manifest.TextAt(container, "securityContext.allowPrivilegeEscalation"));
                Assert.Equal("true", Manifest.TextAt(container, "securityContext.readOnlyRootFilesystem"));
                Assert.Contains("ALL", Manifest.Items(Manifest.Find(container, "securityContext.capabilities.drop")).Select(n => ((YamlScalarNode)n).Value));
                foreach (var resource in new[] { "requests.cpu", "requests.memory", "limits.cpu", "limits.memory" })
                    Assert.False(string.IsNullOrEmpty(Manifest.TextAt(container, $"resources.{resource}")), $"{deployment}: no resources.{resource}");
                // A read-only root needs writable mounts for the data folder and /tmp.
                var mounts = Manifest.Items(Manifest.Find(container, "volumeMounts")).ToList();
                Assert.All(mounts, m => Assert.Contains(Manifest.TextAt(m, "name"), volumes));
                var paths = mounts.Select(m => Manifest.TextAt(m, "mountPath")).ToHashSet(StringComparer.Ordinal);
                Assert.Contains("/tmp", paths);
                Assert.Contains(ConfigMapData()["OpenClaw__DataDirectory"], paths);
            }
        }
    }

    [Fact]
    public void Termination_grace_covers_the_pre_stop_pause_and_the_servers_drain()
    {
        // The host gives hosted services 30 s to stop (HostOptions.ShutdownTimeout), the runtime drains within that.
        var shutdown = new Microsoft.Extensions.Hosting.HostOptions().ShutdownTimeout;
        var drain = new OpenClaw.Runtime.RuntimeOptions().DrainTimeout;
        Assert.True(drain <= shutdown);
        foreach (var deployment in OfKind("Deployment"))
        {
            var grace = int.Parse(deployment.Text("spec.template.spec.terminationGracePeriodSeconds") ?? "30", CultureInfo.InvariantCulture);
            var preStop = Containers(deployment).Select(c => int.Parse(Manifest.TextAt(c, "lifecycle.preStop.sleep.seconds") ?? "0", CultureInfo.InvariantCulture)).Max();
            Assert.True(grace >= preStop + shutdown.TotalSeconds, $"{deployment}: terminationGracePeriodSeconds {grace} < preStop {preStop} s + shutdown {shutdown.TotalSeconds} s");
        }
    }

    [Fact]
    public void Environment_variables_config_map_and_secret_keys_are_real_settings()
    {
        var names = OfKind("Deployment").SelectMany(d => Env(d).Keys)
            .Concat(ConfigMapData().Keys)
            .Concat(OfKind("Secret").SelectMany(s => Manifest.Map(s.Node("stringData")).Keys))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("OpenClaw__PostgresConnectionString", names);
        var unknown = names.Where(n => !SettingsCatalog.IsSetting(n) && !PlatformPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.True(unknown.Count == 0, $"not settings the server reads: {string.Join(", ", unknown)}");
        Assert.Equal("postgres", ConfigMapData()["OpenClaw__Storage"]);
    }

    [Fact]
    public void Settings_check_rejects_names_that_are_not_settings()
    {
        Assert.True(SettingsCatalog.IsSetting("OpenClaw__Runtime__LeaseDuration"));
        Assert.True(SettingsCatalog.IsSetting("OpenClaw__ExposedEnvironmentVariables__3"));
        Assert.True(SettingsCatalog.IsSetting("OpenClaw__Sandbox__DefaultResources__MemoryMb"));
        Assert.False(SettingsCatalog.IsSetting("OpenClaw__Runtime__LeaseDurationSeconds"));
        Assert.False(SettingsCatalog.IsSetting("OpenClaw__ServesApi"));
        Assert.False(SettingsCatalog.IsSetting("OpenClaw__Role__X"));
    }

    [Fact]
    public void Config_maps_and_secrets_the_pods_load_exist()
    {
        foreach (var deployment in OfKind("Deployment"))
        {
            foreach (var source in Containers(deployment).SelectMany(c => Manifest.Items(Manifest.Find(c, "envFrom"))))
            {
                var (kind, name) = Manifest.TextAt(source, "configMapRef.name") is { } map ? ("ConfigMap", map) : ("Secret", Manifest.TextAt(source, "secretRef.name"));
                Assert.True(OfKind(kind).Any(m => m.Name == name), $"{deployment}: envFrom {kind} '{name}' does not exist");
            }
        }
    }

    [Fact]
    public void Service_ingress_budget_autoscaler_and_pod_monitor_select_what_exists()
    {
        var deployments = OfKind("Deployment").ToList();
        var service = Assert.Single(OfKind("Service"));
        var selected = deployments.Where(d => Matches(Manifest.Map(service.Node("spec.selector")), Manifest.Map(d.Node("spec.template.metadata.labels")))).ToList();
        Assert.Equal("openclaw-api", Assert.Single(selected).Name);
        var apiPorts = Containers(selected[0]).SelectMany(c => Manifest.Items(Manifest.Find(c, "ports"))).Select(p => Manifest.TextAt(p, "name")).ToHashSet(StringComparer.Ordinal);
        var servicePorts = Manifest.Items(service.Node("spec.ports")).ToList();
        Assert.All(servicePorts, p => Assert.Contains(Manifest.TextAt(p, "targetPort"), apiPorts));

        var ingressPaths = new List<string>();
        foreach (var ingress in OfKind("Ingress"))
        {
            foreach (var path in Manifest.Items(ingress.Node("spec.rules")).SelectMany(r => Manifest.Items(Manifest.Find(r, "http.paths"))))
            {
                Assert.Equal(service.Name, Manifest.TextAt(path, "backend.service.name"));
                Assert.Contains(Manifest.TextAt(path, "backend.service.port.name"), servicePorts.Select(p => Manifest.TextAt(p, "name")));
                ingressPaths.Add(Manifest.TextAt(path, "path")!);
            }
        }
        Assert.Contains("/api/v2/webhooks/", ingressPaths);
        // The web app's "/" would expose /metrics, so an Exact /metrics Ingress must restrict it.
        if (ingressPaths.Contains("/"))
        {
            var metrics = OfKind("Ingress").Single(i => Manifest.Items(i.Node("spec.rules")).SelectMany(r => Manifest.Items(Manifest.Find(r, "http.paths")))
                .Any(p => Manifest.TextAt(p, "path") == "/metrics" && Manifest.TextAt(p, "pathType") == "Exact"));
            Assert.Equal("127.0.0.1/32", Manifest.Map(metrics.Node("metadata.annotations")).GetValueOrDefault("nginx.ingress.kubernetes.io/whitelist-source-range"));
        }
        var events = OfKind("Ingress").Single(i => ingressPaths.Count > 0 && Manifest.Items(i.Node("spec.rules")).SelectMany(r => Manifest.Items(Manifest.Find(r, "http.paths"))).Any(p => Manifest.TextAt(p, "path")!.Contains("events", StringComparison.Ordinal)));
        Assert.Equal("off", Manifest.Map(events.Node("metadata.annotations")).GetValueOrDefault("nginx.ingress.kubernetes.io/proxy-buffering"));

        foreach (var budget in OfKind("PodDisruptionBudget"))
            Assert.Single(deployments, d => Matches(Manifest.Map(budget.Node("spec.selector.matchLabels")), Manifest.Map(d.Node("spec.template.metadata.labels"))));
        Assert.Equal(3, OfKind("PodDisruptionBudget").Count());

        var hpa = Assert.Single(OfKind("HorizontalPodAutoscaler"));
        Assert.Equal("openclaw-worker", hpa.Text("spec.scaleTargetRef.name"));
        Assert.Contains(deployments, d => d.Name == hpa.Text("spec.scaleTargetRef.name"));
        Assert.True(int.Parse(hpa.Text("spec.minReplicas")!, CultureInfo.InvariantCulture) <= int.Parse(hpa.Text("spec.maxReplicas")!, CultureInfo.InvariantCulture));

        var monitor = Assert.Single(OfKind("PodMonitor"));
        Assert.Equal(3, deployments.Count(d => Matches(Manifest.Map(monitor.Node("spec.selector.matchLabels")), Manifest.Map(d.Node("spec.template.metadata.labels")))));
        Assert.All(Manifest.Items(monitor.Node("spec.podMetricsEndpoints")), e =>
        {
            Assert.Equal("/metrics", Manifest.TextAt(e, "path"));
            Assert.Contains(Manifest.TextAt(e, "port"), apiPorts);
        });
    }

    [Fact]
    public void Kustomization_lists_every_manifest_of_its_folder_and_nothing_else()
    {
        var folder = Repository.PathOf("deploy", "kubernetes");
        var kustomization = Assert.Single(OfKind("Kustomization"));
        var listed = Manifest.Items(kustomization.Node("resources")).Select(n => ((YamlScalarNode)n).Value!).Order(StringComparer.Ordinal).ToList();
        var files = Directory.EnumerateFiles(folder, "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, listed);
    }

    private static Dictionary<string, string> ConfigMapData() => Manifest.Map(Assert.Single(OfKind("ConfigMap")).Node("data"));

    private static IEnumerable<YamlNode> Containers(Manifest deployment) => Manifest.Items(deployment.Node("spec.template.spec.containers"));

    private static Dictionary<string, string> Env(Manifest deployment) =>
        Containers(deployment).SelectMany(c => Manifest.Items(Manifest.Find(c, "env")))
            .ToDictionary(e => Manifest.TextAt(e, "name")!, e => Manifest.TextAt(e, "value") ?? "", StringComparer.Ordinal);

    private static bool Matches(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);
}
