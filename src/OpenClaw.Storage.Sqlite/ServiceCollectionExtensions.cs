using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Sqlite;

/// <summary>Registers the SQLite backend.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteDatabase"/> and the stores (<see cref="IExecutionStore"/>, <see cref="IWorkflowStore"/>,
    /// <see cref="IExecutionQueries"/>, <see cref="IPluginStore"/>) as singletons over one database file.
    /// </summary>
    /// <remarks>
    /// A hosted service opens and migrates the database in <see cref="IHostedLifecycleService.StartingAsync"/>, which the host
    /// runs before any hosted service's <c>StartAsync</c>: workers start against a migrated schema, and a bad file or a
    /// schema from a newer build stops the host at startup. Without a host (tests, tools), the database opens lazily on
    /// first use instead. The container disposes the database, closing its connections.
    /// </remarks>
    public static IServiceCollection AddOpenClawSqlite(this IServiceCollection services, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<SqliteStorageOptions>().Configure(configure);
        services.TryAddSingleton(provider => new SqliteDatabase(
            provider.GetRequiredService<IOptions<SqliteStorageOptions>>().Value,
            provider.GetService<ILogger<SqliteDatabase>>()));
        services.TryAddSingleton<IExecutionStore, SqliteExecutionStore>();
        services.TryAddSingleton<IWorkflowStore, SqliteWorkflowStore>();
        services.TryAddSingleton<IExecutionQueries, SqliteExecutionQueries>();
        services.TryAddSingleton<IPluginStore, SqlitePluginStore>();
        services.TryAddSingleton<IIdentityStore, SqliteIdentityStore>();
        services.TryAddSingleton<IWorkflowShareStore, SqliteWorkflowShareStore>();
        services.TryAddSingleton<ISecurityLogStore, SqliteSecurityLogStore>();
        services.TryAddSingleton<ITenantUsageQueries, SqliteTenantUsageQueries>();
        services.TryAddSingleton<IQueueStore, SqliteQueueStore>();
        services.TryAddSingleton<IScheduleStore, SqliteScheduleStore>();
        services.TryAddSingleton<ICredentialStore, SqliteCredentialStore>();
        services.TryAddSingleton<ITriggerStore, SqliteTriggerStore>();
        services.TryAddSingleton<INotificationStore, SqliteNotificationStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteDatabaseInitializer>());
        return services;
    }
}

/// <summary>Opens and migrates the database while the host starts, before other hosted services run.</summary>
internal sealed class SqliteDatabaseInitializer(SqliteDatabase database) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
