using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenClaw.Runtime.Plugins.Registry;
using OpenClaw.Sandbox;

namespace OpenClaw.Server.Plugins;

/// <summary>
/// Ready when the plugin registry has loaded the installed plugins and the sandbox can run them: bubblewrap isolation, or
/// weak isolation explicitly allowed. Degraded otherwise, since built-in plugins still run.
/// </summary>
internal sealed class PluginsHealthCheck(PluginRegistry registry, SandboxedPluginInvoker sandbox) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Returns the one initialisation task (starting it only if the host has not); never waited on here.
        var initialized = registry.InitializeAsync(CancellationToken.None);
        if (initialized.IsFaulted)
            return Task.FromResult(HealthCheckResult.Degraded("The plugin registry failed to load the installed plugins.", initialized.Exception));
        if (!initialized.IsCompletedSuccessfully)
            return Task.FromResult(HealthCheckResult.Degraded("The plugin registry is still loading the installed plugins."));
        return Task.FromResult(sandbox.Isolation switch
        {
            SandboxIsolation.Bubblewrap => HealthCheckResult.Healthy("Plugins run under bubblewrap."),
            SandboxIsolation.Weak => HealthCheckResult.Healthy("Plugins run with weak isolation (OpenClaw:Sandbox:AllowWeakIsolation is on)."),
            _ => HealthCheckResult.Degraded(
                "Third-party plugins cannot run: bubblewrap is missing and OpenClaw:Sandbox:AllowWeakIsolation is off."),
        });
    }
}
