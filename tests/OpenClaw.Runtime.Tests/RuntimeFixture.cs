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
    private bool _stopped;

    private RuntimeFixture(IHost host, string directory)
    {
        _host = host;
        Directory = directory;
    }

    public string Directory { get; }

    public IServiceProvider Services => _host.Services;

    public ExecutionCoordinator Coordinator => Services.GetRequiredService<ExecutionCoordinator>();

    public IExecutionQueries Queries => Services.GetRequiredService<IExecutionQueries>();

    public ExecutionEventHub Events => Services.GetRequiredService<ExecutionEventHub>();

    /// <summary>Starts an executor.</summary>
    /// <param name="dataDirectory">A folder a stopped fixture used, to start again on its database (a restart); by default a new one.</param>
    /// <param name="services">Last-minute service registrations, e.g. a decorated store.</param>
    public static async Task<RuntimeFixture> StartAsync(
        IEnumerable<Plugin>? extraPlugins = null, Action<RuntimeOptions>? configure = null, TimeProvider? time = null,
        string? dataDirectory = null, Action<IServiceCollection>? services = null)
    {
        var directory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "openclaw-runtime-tests", Guid.NewGuid().ToString("N"));
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
        services?.Invoke(builder.Services);
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
        var id = await StartExecutionAsync(workflowId, inputs);
        return await WaitAsync(id, deadline);
    }

    /// <summary>Starts an execution; returns once it is stored.</summary>
    public Task<Guid> StartExecutionAsync(string workflowId, JsonObject? inputs = null, Guid? executionId = null) =>
        Coordinator.StartAsync(new StartExecutionRequest("default", workflowId, Inputs: inputs, ExecutionId: executionId));

    /// <summary>The execution's stored history now.</summary>
    public async Task<ExecutionDetail> GetAsync(Guid executionId) => (await Queries.GetAsync("default", executionId))!;

    /// <summary>Waits (with a deadline) until a step instance's stored row satisfies <paramref name="condition"/>.</summary>
    public async Task<StepRunRecord> WaitForStepAsync(Guid executionId, string stepKey, Func<StepRunRecord, bool> condition, TimeSpan? deadline = null)
    {
        StepRunRecord? step = null;
        await Wait.UntilAsync(async () =>
        {
            step = (await GetAsync(executionId)).Steps.FirstOrDefault(s => s.StepKey == stepKey);
            return step is not null && condition(step);
        }, $"step '{stepKey}' to reach the expected state", deadline);
        return step!;
    }

    public async Task<ExecutionDetail> WaitAsync(Guid executionId, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        await Coordinator.WaitForCompletionAsync(executionId, timeout.Token);
        return (await Queries.GetAsync("default", executionId))!;
    }

    /// <summary>Stops the executor as a process exit would, keeping its database for a fixture started on <see cref="Directory"/>.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync();
        _host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
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
