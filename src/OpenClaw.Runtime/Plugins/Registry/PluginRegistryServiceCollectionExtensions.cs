using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Storage;
using OpenClaw.Sandbox;

namespace OpenClaw.Runtime.Plugins.Registry;

/// <summary>Registers the plugin registry.</summary>
public static class PluginRegistryServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PluginRegistry"/> (installed third-party plugins, run in the sandbox) and the sandbox itself. Steps then
    /// resolve installed plugins through <see cref="CompositePluginResolver"/>, which <c>AddOpenClawRuntime</c> registers.
    /// </summary>
    /// <remarks>
    /// Needs an <see cref="IPluginStore"/> (from the storage backend) and an <see cref="ISecurityEventSink"/> (the host's
    /// security-event log). A hosted service loads the installed plugins and cleans up interrupted installs while the host
    /// starts, before workers run. Configure the sandbox with <c>AddOpenClawSandbox(configuration)</c> before this call to
    /// bind its options; otherwise it gets defaults.
    /// </remarks>
    public static IServiceCollection AddOpenClawPluginRegistry(this IServiceCollection services, Action<PluginRegistryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PluginRegistryOptions();
        configure(options);
        options.Validate();
        services.AddOpenClawSandbox();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new PluginRegistry(
            sp.GetRequiredService<IPluginStore>(),
            sp.GetRequiredService<SandboxedPluginInvoker>(),
            sp.GetRequiredService<PluginRegistryOptions>(),
            sp.GetRequiredService<ILogger<PluginRegistry>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<InProcessPluginRegistry>(),
            sp.GetService<ICacheInvalidationBus>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PluginRegistryInitializer>());
        return services;
    }
}

/// <summary>Loads the installed plugins while the host starts, before any hosted service's <c>StartAsync</c> (so before workers).</summary>
internal sealed class PluginRegistryInitializer(PluginRegistry registry) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => registry.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
