using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Caching;
using OpenClaw.Server.Caching.Redis;
using OpenClaw.Storage.Postgres;

namespace OpenClaw.Server.Caching;

/// <summary>Registers <see cref="ICache"/> (Redis when <c>OpenClaw:Cache:Redis</c> is set, else in process) and puts it in front of workflow reads.</summary>
public static class CacheServices
{
    /// <summary>Call after the storage backend is registered: it wraps the backend's <see cref="IWorkflowStore"/>.</summary>
    public static IServiceCollection AddOpenClawCache(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("OpenClaw:Cache");
        services.AddOptions<CacheOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var options = section.Get<CacheOptions>() ?? new CacheOptions();
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            RedisSettings settings;
            try
            {
                settings = RedisSettings.Parse(options.Redis);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"OpenClaw:Cache:Redis is invalid: {ex.Message}", ex);
            }
            services.AddSingleton(_ => new RedisClient(settings));
            services.AddSingleton<RedisCounters>();
            services.AddSingleton<ICache, RedisCache>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }
        else
        {
            services.AddSingleton<ICache>(sp => new InProcessCache(
                sp.GetRequiredService<TimeProvider>(), options.MaxEntries, sp.GetService<ICacheInvalidationBus>()));
        }
        // Several nodes on PostgreSQL each keep their own cache (and, with Redis too, their own copy of the installed
        // plugins' metadata): each must hear the others' invalidations.
        services.PostConfigure<PostgresStorageOptions>(pg => pg.ListenForCacheInvalidations = true);

        var backend = services.LastOrDefault(d => d.ServiceType == typeof(IWorkflowStore))
            ?? throw new InvalidOperationException("AddOpenClawCache must come after the storage backend's registration.");
        services.Remove(backend);
        services.AddSingleton<IWorkflowStore>(sp => new CachingWorkflowStore(Create(sp, backend), sp.GetRequiredService<ICache>()));
        return services;
    }

    private static IWorkflowStore Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IWorkflowStore)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
