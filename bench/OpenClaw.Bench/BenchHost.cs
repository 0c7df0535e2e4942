using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Bench;

/// <summary>The real executor (coordinator, workers, dispatcher, leases) over a fresh SQLite file, hosted as the server hosts it.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchHost(IHost host, string directory)
    {
        _host = host;
        Directory = directory;
    }

    public string Directory { get; }

    public IServiceProvider Services => _host.Services;

    public MeasuredStore Store => _host.Services.GetRequiredService<MeasuredStore>();

    public static async Task<BenchHost> StartAsync(string synchronous, int workers)
    {
        var directory = Path.Combine(Path.GetTempPath(), "openclaw-bench", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        // Registered before the backend, whose TryAdd then keeps this decorated store.
        builder.Services.AddSingleton<SqliteExecutionStore>();
        builder.Services.AddSingleton(sp => new MeasuredStore(sp.GetRequiredService<SqliteExecutionStore>()));
        builder.Services.AddSingleton<IExecutionStore>(sp => sp.GetRequiredService<MeasuredStore>());
        builder.Services.AddOpenClawSqlite(o =>
        {
            o.DataSource = Path.Combine(directory, "openclaw.db");
            o.Synchronous = synchronous;
        });
        builder.Services.AddOpenClawRuntime(o =>
        {
            o.WorkerConcurrency = workers;
            o.ReleaseAllLeasesOnStart = true;
        });
        builder.Services.AddSingleton<IEnumerable<Plugin>>(BuiltInPlugins.Create());
        var host = builder.Build();
        await host.StartAsync();

        var definition = Workflows.Parse(Workflows.Chain3Yaml);
        var now = DateTimeOffset.UtcNow;
        await host.Services.GetRequiredService<IWorkflowStore>().CreateAsync(new WorkflowRecord(
            definition.Id, "default", definition.Name, null, WorkflowDefinitionWriter.ToJson(definition), Workflows.Chain3Yaml, "published", 1, null, now, now));
        return new BenchHost(host, directory);
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
            // A leftover temp folder is harmless.
        }
    }
}
