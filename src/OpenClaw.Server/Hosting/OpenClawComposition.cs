using System.Text.Json;
using System.Text.Json.Serialization;
using OpenClaw.Plugins;
using OpenClaw.Plugins.Storage;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Runtime.Plugins.Marketplace;
using OpenClaw.Runtime.Plugins.Registry;
using OpenClaw.Sandbox;
using OpenClaw.Server.Integrations;
using OpenClaw.Server.Caching;
using OpenClaw.Server.Events;
using OpenClaw.Server.Health;
using OpenClaw.Server.Plugins;
using OpenClaw.Server.Scheduling;
using OpenClaw.Server.Observability;
using OpenClaw.Server.Observability.Logging;
using OpenClaw.Server.Observability.Tracing;
using OpenClaw.Server.OpenApi;
using OpenClaw.Server.Security;
using OpenClaw.Storage.Postgres;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Server.Hosting;

/// <summary>Wires the modules into one host: storage, executor, built-in plugins, HTTP API.</summary>
public static class OpenClawComposition
{
    /// <summary>JSON as the API speaks it: snake_case, no nulls written, enums as strings.</summary>
    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DictionaryKeyPolicy = null;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    public static WebApplicationBuilder AddOpenClaw(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("OpenClaw");
        builder.Services.AddOptions<OpenClawServerOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var options = section.Get<OpenClawServerOptions>() ?? new OpenClawServerOptions();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);

        bool postgres = options.Storage == "postgres";
        if (postgres)
        {
            var connectionString = options.PostgresConnectionString ?? builder.Configuration.GetConnectionString("OpenClaw");
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("OpenClaw:Storage is 'postgres' but neither OpenClaw:PostgresConnectionString nor ConnectionStrings:OpenClaw is set.");
            builder.Services.AddOpenClawPostgres(pg =>
            {
                pg.ConnectionString = connectionString;
                pg.ListenForTasks = options.Role is "all" or "worker";
                pg.ListenForExecutionChanges = options.ServesApi;
            });
        }
        else
        {
            if (options.Role != "all")
                throw new InvalidOperationException($"OpenClaw:Role '{options.Role}' needs OpenClaw:Storage 'postgres': the embedded database belongs to one process.");

            // Made by a factory so the container disposes it (releasing the folder) with the app; an instance handed to
            // AddSingleton is never disposed, and a second host in the same process could never open the folder again.
            builder.Services.AddSingleton(_ => DataDirectoryLock.Acquire(dataDirectory));
            builder.Services.AddHostedService<DataDirectoryLockService>();
            builder.Services.AddOpenClawSqlite(sqlite =>
            {
                sqlite.DataSource = Path.Combine(dataDirectory, "openclaw.db");
                sqlite.Synchronous = options.SqliteSynchronous;
            });
        }
        // Before the runtime: its execution listener must subscribe before executions run.
        builder.Services.AddOpenClawMetrics(dataDirectory);
        builder.Services.AddOpenClawRuntime(runtime =>
        {
            runtime.WorkerConcurrency = options.WorkerConcurrency;
            runtime.RunWorkers = options.Role is "all" or "worker";
            runtime.RunReaper = options.Role != "api";
            // Only the embedded database has a sole owner whose earlier leases are known dead at start.
            runtime.ReleaseAllLeasesOnStart = !postgres;
            foreach (var name in options.ExposedEnvironmentVariables) runtime.ExposedEnvironmentVariables.Add(name);
            if (options.Runtime.LeaseDuration is { } lease) runtime.LeaseDuration = lease;
            if (options.Runtime.LeaseRenewInterval is { } renew) runtime.LeaseRenewInterval = renew;
            if (options.Runtime.ReaperInterval is { } reaper) runtime.ReaperInterval = reaper;
            if (options.Runtime.SafetyPollInterval is { } poll) runtime.SafetyPollInterval = poll;
        });
        builder.AddOpenClawScheduler();
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<IEnumerable<Plugin>>(sp => BuiltInPlugins.Create(sp.GetRequiredService<IHttpClientFactory>()));
        // Large step payloads and the object-storage plugin's objects; a local folder (shared storage for several nodes
        // arrives with the S3-compatible store).
        builder.Services.AddSingleton<IPluginObjectStore>(new LocalFolderObjectStore(Path.Combine(dataDirectory, "objects")));
        // Built-ins that run user code (`code`) are bound to the sandbox, never called in this process.
        foreach (var plugin in BuiltInPlugins.CreateSandboxed()) builder.Services.AddSingleton(new SandboxedBuiltInPlugin(plugin));
        AddPlugins(builder, options, dataDirectory);
        builder.Services.AddOpenClawIntegrations(builder.Configuration, dataDirectory);

        builder.Services.AddOpenClawSecurity(builder.Configuration);
        builder.Services.AddOpenClawEvents(builder.Configuration);
        builder.Services.AddOpenClawOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.AddOpenClawLogging();
        builder.AddOpenClawTracing();
        builder.Services.AddOpenClawHealthChecks();
        builder.Services.AddOpenClawCache(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Third-party plugins: the sandbox (<c>OpenClaw:Sandbox</c>), the registry over <c>&lt;data&gt;/plugins</c>, the
    /// marketplace over <c>OpenClaw:Marketplace:Folders</c> and <c>OpenClaw:Marketplace:Servers</c>, and the security-event log.
    /// </summary>
    private static void AddPlugins(WebApplicationBuilder builder, OpenClawServerOptions options, string dataDirectory)
    {
        var configuration = builder.Configuration;
        if (options.Plugins.MaxPackageBytes is < 1024)
            throw new InvalidOperationException($"OpenClaw:Plugins:MaxPackageBytes is {options.Plugins.MaxPackageBytes}; it must be at least 1024 bytes.");
        // Before the registry, which adds the sandbox without configuration otherwise.
        builder.Services.AddOpenClawSandbox(configuration.GetSection("OpenClaw:Sandbox"));
        builder.Services.AddSingleton<SecurityEventLog>();
        builder.Services.AddSingleton<ISecurityEventSink>(sp => sp.GetRequiredService<SecurityEventLog>());
        builder.Services.AddOpenClawPluginRegistry(registry =>
        {
            registry.PackagesDirectory = Path.Combine(dataDirectory, "plugins");
            if (options.Plugins.MaxPackageBytes is { } max) registry.Limits = registry.Limits with { MaxPackageBytes = max };
        });
        var folders = configuration.GetSection("OpenClaw:Marketplace:Folders").Get<string[]>() ?? [];
        var servers = configuration.GetSection("OpenClaw:Marketplace:Servers").Get<string[]>() ?? [];
        builder.Services.AddOpenClawMarketplace(marketplace =>
        {
            foreach (var folder in folders) marketplace.Folders.Add(Path.GetFullPath(folder));
            foreach (var server in servers)
            {
                if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw new InvalidOperationException($"OpenClaw:Marketplace:Servers has '{server}', which is not an http(s) address.");
                marketplace.Servers.Add(uri);
            }
        });
    }
}
