using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpenClaw.Sandbox;

/// <summary>Registers the plugin sandbox.</summary>
public static class SandboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SandboxedPluginInvoker"/> as a singleton, with <see cref="SandboxOptions"/> bound from
    /// <paramref name="configuration"/> (e.g. the <c>OpenClaw:Sandbox</c> section) when given.
    /// </summary>
    /// <remarks>The host registers the <see cref="ISecurityEventSink"/> that persists violations.</remarks>
    public static IServiceCollection AddOpenClawSandbox(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var options = services.AddOptions<SandboxOptions>();
        if (configuration is not null) options.Bind(configuration);
        services.TryAddSingleton<SandboxedPluginInvoker>();
        return services;
    }
}
