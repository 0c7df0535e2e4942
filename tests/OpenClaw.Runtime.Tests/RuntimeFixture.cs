using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime;
using OpenClaw.Runtime.Execution;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Runtime.Tests;

/// <summary>A real executor over a real SQLite file in a private temp folder, with the built-ins plus test plugins.</summary>
public sealed class RuntimeFixture : IAsyncDisposable
{
    private readonly IHost _host;

    private RuntimeFixture(IHost host, string directory)
    {
        _host = host;
        Directory = directory;
    }

    public string Directory { get; }

    public IServiceProvider Services => _host.Services;

    public ExecutionCoordinator Coordinator => Services.GetRequiredService<ExecutionCoordinator>();

    public IExecutionQueries Queries => Services.GetRequiredService<IExecutionQueries>();

    public static async Task<RuntimeFixture> StartAsync(IEnumerable<Plugin>? extraPlugins = null, Action<RuntimeOptions>? configure = null, TimeProvider? time = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "openclaw-runtime-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (time is not null) builder.Services.AddSingleton(time);
        builder.Services.AddOpenClawSqlite(o =>
        {
            o.DataSource = Path.Combine(directory, "openclaw.db");
            o.Synchronous = "NORMAL";
        });
        builder.Services.AddOpenClawRuntime(o =>
        {
            o.WorkerConcurrency = 8;
            o.ReleaseAllLeasesOnStart = true;
            o.DrainTimeout = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });
        var plugins = BuiltInPlugins.Create().Concat(extraPlugins ?? []).ToList();
        builder.Services.AddSingleton<IEnumerable<Plugin>>(plugins);
        var host = builder.Build();
        await host.StartAsync();
        return new RuntimeFixture(host, directory);
    }

    /// <summary>Validates and stores a workflow written in YAML.</summary>
    public async Task<WorkflowDefinition> AddWorkflowAsync(string yaml)
    {
        var result = new WorkflowValidator(Services.GetRequiredService<IPluginCatalog>()).ParseAndValidate(yaml, DefinitionFormat.Yaml);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        var definition = result.Definition!;
        var now = DateTimeOffset.UtcNow;
        var store = Services.GetRequiredService<IWorkflowStore>();
        await store.CreateAsync(new WorkflowRecord(definition.Id, "default", definition.Name, null, WorkflowDefinitionWriter.ToJson(definition), yaml, "draft", 1, null, now, now));
        return definition;
    }

    /// <summary>Starts an execution and waits (with a deadline) until it finishes; returns its full history.</summary>
    public async Task<ExecutionDetail> RunAsync(string workflowId, JsonObject? inputs = null, TimeSpan? deadline = null)
    {
        var id = await Coordinator.StartAsync(new StartExecutionRequest("default", workflowId, Inputs: inputs));
        return await WaitAsync(id, deadline);
    }

    public async Task<ExecutionDetail> WaitAsync(Guid executionId, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        await Coordinator.WaitForCompletionAsync(executionId, timeout.Token);
        return (await Queries.GetAsync("default", executionId))!;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files do not affect other tests: every fixture has its own folder.
        }
    }
}
