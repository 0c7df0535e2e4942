using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Plugins.Storage;

namespace OpenClaw.Server.Health;

/// <summary>Ready when the object store (step payloads, the object-storage plugin) takes a write and gives it back.</summary>
internal sealed class StorageHealthCheck(IPluginObjectStore store) : IHealthCheck
{
    private readonly string _probeKey = $"_health/{Environment.MachineName}-{Environment.ProcessId}";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var written = Guid.NewGuid().ToString("N");
            await using (var content = new MemoryStream(Encoding.UTF8.GetBytes(written)))
                await store.PutAsync(_probeKey, content, "text/plain", cancellationToken);
            await using var read = await store.GetAsync(_probeKey, cancellationToken)
                ?? throw new IOException("The probe object was written but cannot be read back.");
            using var reader = new StreamReader(read);
            if (await reader.ReadToEndAsync(cancellationToken) != written) throw new IOException("The probe object read back differs from what was written.");
            if (store is IListableObjectStore removable) await removable.DeleteAsync(_probeKey, cancellationToken);
            return HealthCheckResult.Healthy(store is LocalFolderObjectStore local ? $"Objects are stored in {local.RootFolder}." : null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The object store cannot be written.", ex);
        }
    }
}
