using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins;
using OpenClaw.Plugins.Storage;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Cli;

/// <summary>The executor in this process over an embedded database: what <c>openclaw run</c> uses.</summary>
internal static class LocalRuntime
{
    /// <param name="log">Where warnings and errors go: stderr, never stdout, which holds only the outputs.</param>
    public static IHost Build(string dataDirectory, int workers, TextWriter log)
    {
        Directory.CreateDirectory(dataDirectory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new TextWriterLoggerProvider(log)).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOpenClawSqlite(o => o.DataSource = Path.Combine(dataDirectory, "openclaw.db"));
        builder.Services.AddOpenClawRuntime(o =>
        {
            o.WorkerConcurrency = workers;
            o.ReleaseAllLeasesOnStart = true;
            o.DrainTimeout = TimeSpan.FromSeconds(5);
        });
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<IPluginObjectStore>(new LocalFolderObjectStore(Path.Combine(dataDirectory, "objects")));
        builder.Services.AddSingleton<IEnumerable<Plugin>>(sp => BuiltInPlugins.Create(sp.GetRequiredService<IHttpClientFactory>()));
        return builder.Build();
    }
}
