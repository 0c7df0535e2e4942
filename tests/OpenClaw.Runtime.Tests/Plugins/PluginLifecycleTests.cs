using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Runtime.Plugins.Registry;
using OpenClaw.Sandbox;
using static OpenClaw.Sandbox.PluginLifecycleHook;

namespace OpenClaw.Runtime.Tests.Plugins;

/// <summary>
/// The sample plugin's whole life through the registry: install, enable, run from a workflow step (in the sandbox), disable,
/// upgrade side by side, uninstall; each change calls the plugin's hooks, in the sandbox, in order.
/// </summary>
[Collection(GreeterCollection.Name)]
public sealed class PluginLifecycleTests(GreeterPackages packages)
{
    private const string Floating = """
        id: greet-floating
        name: Greet (newest greeter)
        inputs:
          - { name: who, type: string, default: Ada }
        steps:
          - id: hello
            type: plugin
            config:
              plugin: greeter
              inputs: { name: "${{ inputs.who }}" }
            timeout: 30s
        outputs:
          greeting: "${{ steps.hello.output.greeting }}"
          version: "${{ steps.hello.output.version }}"
          cwd: "${{ steps.hello.output.working_directory }}"
          hooks: "${{ steps.hello.output.hooks_seen }}"
        """;

    private const string Pinned = """
        id: greet-pinned
        name: Greet (greeter 1.0.0)
        steps:
          - id: hello
            type: plugin
            config:
              plugin: greeter
              version: "1.0.0"
              inputs: { name: Grace }
            timeout: 30s
        outputs:
          version: "${{ steps.hello.output.version }}"
        """;

    [SandboxFact]
    public async Task Install_CallsOnInstallThenOnEnableInTheSandbox_AndStoresFilesAndRow()
    {
        await using var harness = await RegistryHarness.StartAsync();

        await using var package = packages.OpenV1();
        var change = await harness.Registry.InstallAsync(package);

        Assert.Equal([Install, Enable], change.Hooks.Select(h => h.Hook));
        Assert.All(change.Hooks, h => Assert.True(h.Succeeded, h.Error));
        var installLine = Assert.Single(change.Hooks[0].Output);
        Assert.StartsWith("greeter 1.0.0: install (pid ", installLine, StringComparison.Ordinal);
        Assert.DoesNotContain($"(pid {Environment.ProcessId},", installLine, StringComparison.Ordinal);
        if (harness.Sandbox.Isolation == SandboxIsolation.Bubblewrap) Assert.EndsWith("cwd /scratch)", installLine, StringComparison.Ordinal);
        Assert.StartsWith("greeter 1.0.0: enable", Assert.Single(change.Hooks[1].Output), StringComparison.Ordinal);

        Assert.Equal(PluginStatuses.Enabled, change.Plugin.Status);
        Assert.True(File.Exists(Path.Combine(harness.PackagesDirectory, "greeter", "1.0.0", "OpenClaw.Sample.Greeter.dll")));
        Assert.True(File.Exists(Path.Combine(harness.PackagesDirectory, "greeter", "1.0.0", "plugin.json")));
        var row = await harness.Store.GetAsync("default", "greeter", "1.0.0");
        Assert.Equal(PluginStatuses.Enabled, row?.Status);
        Assert.Equal(packages.V1Manifest.Digest, JsonDocument.Parse(row!.Metadata).RootElement.GetProperty("manifest").GetProperty("digest").GetString());
    }

    [SandboxFact]
    public async Task WorkflowStep_RunsTheInstalledPluginInTheSandbox_FailsWhileDisabled_AndRunsAgainWhenEnabled()
    {
        await using var host = await PluginRuntime.StartAsync();
        await using (var package = packages.OpenV1()) await host.Registry.InstallAsync(package);
        await host.Runtime.AddWorkflowAsync(Floating);

        var run = await host.Runtime.RunAsync("greet-floating");

        Assert.True(run.Execution.Status == ExecutionStatus.Succeeded, run.Execution.Error);
        var outputs = run.Execution.Outputs!.Value;
        Assert.Equal("Hello, Ada!", outputs.GetProperty("greeting").GetString());
        Assert.Equal("1.0.0", outputs.GetProperty("version").GetString());
        // The call went to the warm runner that ran the hooks: a separate process, inside the sandbox's scratch folder.
        Assert.Equal(["install", "enable"], outputs.GetProperty("hooks").EnumerateArray().Select(h => h.GetString()));
        if (host.Sandbox.Isolation == SandboxIsolation.Bubblewrap) Assert.Equal("/scratch", outputs.GetProperty("cwd").GetString());

        var disabled = await host.Registry.DisableAsync("greeter", "1.0.0");
        Assert.Equal([Disable], disabled.Hooks.Select(h => h.Hook));
        var failed = await host.Runtime.RunAsync("greet-floating");
        Assert.Equal(ExecutionStatus.Failed, failed.Execution.Status);
        Assert.Contains("disabled", failed.Execution.Error, StringComparison.Ordinal);
        Assert.Contains("disabled", Assert.Single(failed.Steps).Error, StringComparison.Ordinal);

        var enabled = await host.Registry.EnableAsync("greeter", "1.0.0");
        Assert.Equal([Enable], enabled.Hooks.Select(h => h.Hook));
        var again = await host.Runtime.RunAsync("greet-floating", new() { ["who"] = "Lin" });
        Assert.True(again.Execution.Status == ExecutionStatus.Succeeded, again.Execution.Error);
        Assert.Equal("Hello, Lin!", again.Execution.Outputs!.Value.GetProperty("greeting").GetString());
        Assert.Empty(host.Events.Violations);
    }

    [SandboxFact]
    public async Task Upgrade_InstallsV2BesideV1_PinnedWorkflowKeepsV1_FloatingWorkflowGetsV2()
    {
        await using var host = await PluginRuntime.StartAsync();
        await using (var package = packages.OpenV1()) await host.Registry.InstallAsync(package);
        await host.Runtime.AddWorkflowAsync(Floating);
        await host.Runtime.AddWorkflowAsync(Pinned);
        Assert.Equal("1.0.0", (await host.Runtime.RunAsync("greet-floating")).Execution.Outputs!.Value.GetProperty("version").GetString());

        PluginChange upgrade;
        await using (var package = packages.OpenV2()) upgrade = await host.Registry.UpgradeAsync(package);

        Assert.Equal([Install, Enable], upgrade.Hooks.Select(h => h.Hook));
        Assert.StartsWith("greeter 2.0.0: install", upgrade.Hooks[0].Output[0], StringComparison.Ordinal);
        Assert.Equal(["2.0.0", "1.0.0"], host.Registry.List().Select(p => p.Version.ToString()));
        Assert.True(Directory.Exists(Path.Combine(host.PackagesDirectory, "greeter", "1.0.0")));
        Assert.True(Directory.Exists(Path.Combine(host.PackagesDirectory, "greeter", "2.0.0")));

        var pinned = await host.Runtime.RunAsync("greet-pinned");
        var floating = await host.Runtime.RunAsync("greet-floating");
        Assert.True(pinned.Execution.Status == ExecutionStatus.Succeeded, pinned.Execution.Error);
        Assert.True(floating.Execution.Status == ExecutionStatus.Succeeded, floating.Execution.Error);
        Assert.Equal("1.0.0", pinned.Execution.Outputs!.Value.GetProperty("version").GetString());
        Assert.Equal("2.0.0", floating.Execution.Outputs!.Value.GetProperty("version").GetString());

        // The same version again is refused as installed; an older one is not an upgrade.
        await using (var package = packages.OpenV1())
        {
            var refused = await Assert.ThrowsAsync<PluginPackageException>(() => host.Registry.UpgradeAsync(package));
            Assert.Equal(PluginPackageErrorCodes.AlreadyInstalled, Assert.Single(refused.Errors).Code);
        }
        var older = TestPackages.EditManifest(await File.ReadAllBytesAsync(packages.V1), m => m["version"] = "0.9.0");
        var notAnUpgrade = await Assert.ThrowsAsync<PluginRegistryException>(() => host.Registry.UpgradeAsync(new MemoryStream(older)));
        Assert.Equal(PluginRegistryErrorCodes.NotAnUpgrade, notAnUpgrade.Code);
        Assert.Equal("greeter 0.9.0 is not newer than the installed 2.0.0.", notAnUpgrade.Message);
        Assert.Equal(2, (await host.Store.ListAsync("default")).Count);
    }

    [SandboxFact]
    public async Task Uninstall_CallsOnDisableThenOnUninstall_AndRemovesFilesAndRow()
    {
        await using var host = await PluginRuntime.StartAsync();
        var hooks = new List<PluginLifecycleHook>();
        await using (var package = packages.OpenV1()) hooks.AddRange((await host.Registry.InstallAsync(package)).Hooks.Select(h => h.Hook));
        await host.Runtime.AddWorkflowAsync(Floating);
        hooks.AddRange((await host.Registry.DisableAsync("greeter", "1.0.0")).Hooks.Select(h => h.Hook));
        hooks.AddRange((await host.Registry.EnableAsync("greeter", "1.0.0")).Hooks.Select(h => h.Hook));

        var uninstall = await host.Registry.UninstallAsync("greeter", "1.0.0");
        hooks.AddRange(uninstall.Hooks.Select(h => h.Hook));

        Assert.Equal([Install, Enable, Disable, Enable, Disable, Uninstall], hooks);
        Assert.All(uninstall.Hooks, h => Assert.True(h.Succeeded, h.Error));
        Assert.StartsWith("greeter 1.0.0: uninstall", uninstall.Hooks[^1].Output[0], StringComparison.Ordinal);
        Assert.Null(await host.Store.GetAsync("default", "greeter", "1.0.0"));
        Assert.False(Directory.Exists(Path.Combine(host.PackagesDirectory, "greeter")));
        Assert.Empty(host.Registry.List());

        var run = await host.Runtime.RunAsync("greet-floating");
        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Contains("plugin 'greeter' is not installed", run.Execution.Error, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<PluginRegistryException>(() => host.Registry.UninstallAsync("greeter", "1.0.0"));
        Assert.Equal(PluginRegistryErrorCodes.NotFound, missing.Code);
    }

    [SandboxFact]
    public async Task Install_WhenTheHookCannotRun_IsRolledBackAndLeavesNothing()
    {
        await using var harness = await RegistryHarness.StartAsync();
        // The digest covers the payload, not the manifest: naming a type the assembly lacks keeps the package valid.
        var package = TestPackages.EditManifest(await File.ReadAllBytesAsync(packages.V1), m => m["entry"]!["type"] = "OpenClaw.Sample.Greeter.NoSuchPlugin");

        var refused = await Assert.ThrowsAsync<PluginRegistryException>(() => harness.InstallAsync(package));

        Assert.Equal(PluginRegistryErrorCodes.HookFailed, refused.Code);
        Assert.Contains("NoSuchPlugin", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Install, Assert.Single(refused.Hooks).Hook);
        await harness.AssertNothingInstalledAsync();
    }

    [SandboxFact]
    public async Task Uninstall_OfAVersionAnotherPluginNeeds_IsRefused()
    {
        await using var harness = await RegistryHarness.StartAsync();
        await using (var package = packages.OpenV1()) await harness.Registry.InstallAsync(package);
        var dependent = TestPackages.EditManifest(await File.ReadAllBytesAsync(packages.V1), m =>
        {
            m["name"] = "greeter-fan";
            m["dependencies"] = new JsonArray("greeter@^1.0.0");
        });
        await harness.InstallAsync(dependent);

        var refused = await Assert.ThrowsAsync<PluginRegistryException>(() => harness.Registry.UninstallAsync("greeter", "1.0.0"));

        Assert.Equal(PluginRegistryErrorCodes.InUse, refused.Code);
        Assert.Contains("greeter-fan 1.0.0 needs 'greeter@^1.0.0'", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(harness.Registry.Get("greeter", "1.0.0"));

        await harness.Registry.UninstallAsync("greeter-fan", "1.0.0");
        await harness.Registry.UninstallAsync("greeter", "1.0.0");
        await harness.AssertNothingInstalledAsync();
    }

    [SandboxFact]
    public async Task Install_WithADependencyOnAnInstalledVersionOutOfRange_IsRefusedAsAVersionConflict()
    {
        await using var harness = await RegistryHarness.StartAsync();
        await using (var package = packages.OpenV1()) await harness.Registry.InstallAsync(package);
        var manifest = TestPackages.Manifest("greeter-fan");
        manifest["dependencies"] = new JsonArray("greeter@^2.0.0");
        var dependent = TestPackages.Build(manifest);

        var refused = await Assert.ThrowsAsync<PluginPackageException>(() => harness.InstallAsync(dependent));

        var error = Assert.Single(refused.Errors);
        Assert.Equal(PluginPackageErrorCodes.VersionConflict, error.Code);
        Assert.Equal("$.dependencies[0]", error.Path);
        Assert.Contains("needs 'greeter@^2.0.0', but the installed versions of 'greeter' are 1.0.0", error.Message, StringComparison.Ordinal);
        Assert.Null(await harness.Store.GetAsync("default", "greeter-fan", "1.0.0"));
        Assert.False(Directory.Exists(Path.Combine(harness.PackagesDirectory, "greeter-fan")));
    }
}

/// <summary>A runtime (real executor, SQLite) with the plugin registry and the sandbox wired as the server wires them.</summary>
internal sealed class PluginRuntime : IAsyncDisposable
{
    private PluginRuntime(RuntimeFixture runtime, string packagesDirectory)
    {
        Runtime = runtime;
        PackagesDirectory = packagesDirectory;
    }

    public RuntimeFixture Runtime { get; }
    public string PackagesDirectory { get; }
    public PluginRegistry Registry => Runtime.Services.GetRequiredService<PluginRegistry>();
    public IPluginStore Store => Runtime.Services.GetRequiredService<IPluginStore>();
    public SandboxedPluginInvoker Sandbox => Runtime.Services.GetRequiredService<SandboxedPluginInvoker>();
    public InMemorySecurityEventSink Events => (InMemorySecurityEventSink)Runtime.Services.GetRequiredService<ISecurityEventSink>();

    public static async Task<PluginRuntime> StartAsync()
    {
        var packages = Path.Combine(Path.GetTempPath(), "openclaw-plugin-tests", Guid.NewGuid().ToString("N"), "plugins");
        var runtime = await RuntimeFixture.StartAsync(services: services =>
        {
            services.AddSingleton<ISecurityEventSink, InMemorySecurityEventSink>();
            services.AddSingleton(Options.Create(new SandboxOptions { RunnersPerPlugin = 1 }));
            services.AddOpenClawPluginRegistry(o => o.PackagesDirectory = packages);
        });
        return new PluginRuntime(runtime, packages);
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(PackagesDirectory)!, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }
}
