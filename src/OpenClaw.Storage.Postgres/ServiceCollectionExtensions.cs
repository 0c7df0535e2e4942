using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Postgres;

/// <summary>Registers the PostgreSQL backend.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresDatabase"/>, the stores (<see cref="IExecutionStore"/>, <see cref="IWorkflowStore"/>,
    /// <see cref="IExecutionQueries"/>, <see cref="IPluginStore"/>) and <see cref="PostgresQueueListener"/> as singletons over one database.
    /// </summary>
    /// <remarks>
    /// A hosted service migrates the database in <see cref="IHostedLifecycleService.StartingAsync"/>, which the host runs
    /// before any hosted service's <c>StartAsync</c>: workers start against a migrated schema, and an unreachable server or
    /// a schema from a newer build stops the host at startup. Without a host (tests, tools), the database migrates lazily
    /// on first use instead. When <see cref="PostgresStorageOptions.ListenForTasks"/> is set (the default) the listener
    /// starts with the host; subscribe to <see cref="PostgresQueueListener.TaskQueued"/> to wake the dispatcher. The
    /// container disposes the database, closing its connections.
    /// </remarks>
    public static IServiceCollection AddOpenClawPostgres(this IServiceCollection services, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<PostgresStorageOptions>().Configure(configure);
        services.TryAddSingleton(provider => new PostgresDatabase(
            provider.GetRequiredService<IOptions<PostgresStorageOptions>>().Value,
            provider.GetService<ILogger<PostgresDatabase>>()));
        services.TryAddSingleton<IExecutionStore, PostgresExecutionStore>();
        services.TryAddSingleton<IWorkflowStore, PostgresWorkflowStore>();
        services.TryAddSingleton<IExecutionQueries, PostgresExecutionQueries>();
        services.TryAddSingleton<IPluginStore, PostgresPluginStore>();
        services.TryAddSingleton<IIdentityStore, PostgresIdentityStore>();
        services.TryAddSingleton<IWorkflowShareStore, PostgresWorkflowShareStore>();
        services.TryAddSingleton<ISecurityLogStore, PostgresSecurityLogStore>();
        services.TryAddSingleton<ITenantUsageQueries, PostgresTenantUsageQueries>();
        services.TryAddSingleton<IQueueStore, PostgresQueueStore>();
        services.TryAddSingleton<IScheduleStore, PostgresScheduleStore>();
        services.TryAddSingleton<ICredentialStore, PostgresCredentialStore>();
        services.TryAddSingleton<ITriggerStore, PostgresTriggerStore>();
        services.TryAddSingleton<INotificationStore, PostgresNotificationStore>();
        services.TryAddSingleton(provider => new PostgresQueueListener(
            provider.GetRequiredService<PostgresDatabase>(),
            provider.GetService<ILogger<PostgresQueueListener>>()));
        services.TryAddSingleton<IQueueSignal>(provider => provider.GetRequiredService<PostgresQueueListener>());
        services.TryAddSingleton<ISchedulerSignal>(provider => provider.GetRequiredService<PostgresQueueListener>());
        services.TryAddSingleton<IExecutionChangeSignal>(provider => provider.GetRequiredService<PostgresQueueListener>());
        services.TryAddSingleton<ICacheInvalidationBus>(provider => new PostgresCacheInvalidationBus(
            provider.GetRequiredService<PostgresDatabase>(), provider.GetRequiredService<PostgresQueueListener>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresDatabaseInitializer>());
        return services;
    }
}

/// <summary>Migrates the database while the host starts, before other hosted services run, then starts the listener.</summary>
internal sealed class PostgresDatabaseInitializer(PostgresDatabase database, PostgresQueueListener listener) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) =>
        database.Options.Listens ? listener.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => listener.StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
