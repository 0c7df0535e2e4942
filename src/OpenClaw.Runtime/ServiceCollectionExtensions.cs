using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Expressions;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Caching;
using OpenClaw.Runtime.Execution;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Runtime.Plugins.Registry;
using OpenClaw.Runtime.Workers;

namespace OpenClaw.Runtime;

/// <summary>Registers the durable executor. A storage backend must be registered too.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Adds the engine, coordinator, workers and their hosted service, with the given in-process plugins.</summary>
    public static IServiceCollection AddOpenClawRuntime(this IServiceCollection services, Action<RuntimeOptions>? configure = null)
    {
        var options = new RuntimeOptions();
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new ExpressionCache());
        services.AddSingleton(sp => new WorkflowEngine(
            sp.GetRequiredService<TimeProvider>(),
            new EngineOptions
            {
                Env = options.ExposedEnvironmentVariables
                    .Where(name => Environment.GetEnvironmentVariable(name) is not null)
                    .ToDictionary(name => name, name => Environment.GetEnvironmentVariable(name)!, StringComparer.Ordinal),
            },
            sp.GetRequiredService<ExpressionCache>()));
        services.AddSingleton<WorkflowPlanCache>();
        services.TryAddSingleton<Scheduling.QueuePauseState>();
        services.TryAddSingleton(new Scheduling.TenantConcurrencyLimits());
        // The host may register a shared cache (Redis) instead; registrations made later win.
        services.TryAddSingleton<ICache>(sp => new InProcessCache(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ExecutionContextCache>();
        services.AddSingleton<ExecutionEventHub>();
        services.AddSingleton<WorkerPool>();
        services.AddSingleton<TaskDispatcher>();
        services.AddSingleton<ExecutionCoordinator>();
        services.AddSingleton<StepExecutor>();
        services.AddSingleton<WorkerLoop>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<LeaseStatistics>();
        services.AddSingleton<LeaseExpiryReaper>();
        services.AddSingleton(sp => new InProcessPluginRegistry(sp.GetServices<Plugin>()));
        // Built-ins in process, plus the installed third-party plugins when AddOpenClawPluginRegistry registered the registry.
        services.AddSingleton(sp => new CompositePluginResolver(
            sp.GetRequiredService<InProcessPluginRegistry>(), sp.GetService<PluginRegistry>(), sp.GetServices<SandboxedBuiltInPlugin>()));
        services.AddSingleton<IPluginResolver>(sp => sp.GetRequiredService<CompositePluginResolver>());
        services.AddSingleton<IPluginCatalog>(sp => sp.GetRequiredService<CompositePluginResolver>());
        services.TryAddSingleton<ICredentialProvider>(sp => new ConfiguredCredentialProvider(sp.GetRequiredService<IConfiguration>()));
        // Before the runtime: the coordinator's fast path must know the paused queues before it hands out a step.
        services.AddSingleton<Scheduling.QueuePauseSync>();
        services.AddHostedService(sp => sp.GetRequiredService<Scheduling.QueuePauseSync>());
        services.AddHostedService<RuntimeHostedService>();
        services.AddHostedService<ExecutionChangeRelay>();
        return services;
    }
}
