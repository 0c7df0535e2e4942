namespace OpenClaw.Server.Credentials;

/// <summary>On start, re-encrypts credentials still under an old key (after a rotation) under the current one.</summary>
internal sealed class CredentialReencryptionService(CredentialVault vault) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => vault.ReencryptAsync(null, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
