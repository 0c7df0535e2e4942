using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Hosting;

namespace OpenClaw.Server.Security;

/// <summary>
/// At start, after the database is migrated: loads the signing key; on a database without users creates <c>admin</c> in
/// the default tenant (password from <c>OpenClaw:Auth:InitialAdminPassword</c>, or random and written to
/// <c>&lt;data&gt;/initial-admin-password</c>, mode 0600, must be changed at first login); ensures the bootstrap API key.
/// </summary>
internal sealed class SecurityBootstrap(
    SigningKeyProvider signingKey, IIdentityStore store, IOptions<AuthOptions> auth, IOptions<OpenClawServerOptions> server,
    PasswordHasher<UserRecord> hasher, TimeProvider time, ILogger<SecurityBootstrap> logger) : IHostedService
{
    public const string InitialPasswordFile = "initial-admin-password";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await signingKey.LoadAsync(cancellationToken);
        await EnsureAdministratorAsync(cancellationToken);
        await EnsureBootstrapKeyAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureAdministratorAsync(CancellationToken cancellationToken)
    {
        if (await store.CountUsersAsync(cancellationToken) > 0) return;
        var configured = auth.Value.InitialAdminPassword;
        var password = configured ?? WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(18));
        var now = time.GetUtcNow();
        var admin = new UserRecord(Guid.CreateVersion7(), RolePermissions.DefaultTenant, "admin", null, "", Roles.Admin, IsActive: true,
            MustChangePassword: configured is null, FailedLogins: 0, LockedUntil: null, now, now);
        admin = admin with { PasswordHash = hasher.HashPassword(admin, password) };
        try
        {
            await store.CreateUserAsync(admin, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            return; // Another node created it first.
        }
        if (configured is not null)
        {
            logger.LogInformation("Created user 'admin' in tenant 'default' with the password from OpenClaw:Auth:InitialAdminPassword");
            return;
        }
        var file = Path.Combine(Path.GetFullPath(server.Value.DataDirectory), InitialPasswordFile);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(file, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync(password);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        logger.LogWarning("Created user 'admin' in tenant 'default'; its one-time password is in {PasswordFile} (log in and change it)", file);
    }

    private async Task EnsureBootstrapKeyAsync(CancellationToken cancellationToken)
    {
        if (auth.Value.BootstrapApiKey is not { } key) return;
        var hash = ApiKeyFormat.Hash(key);
        if (await store.FindApiKeyAsync(hash, cancellationToken) is { } existing)
        {
            if (existing.RevokedAt is not null)
                logger.LogWarning("The bootstrap API key (OpenClaw:Auth:BootstrapApiKey) was revoked; it stays revoked until the setting names a new key");
            return;
        }
        try
        {
            await store.CreateApiKeyAsync(new ApiKeyRecord(Guid.CreateVersion7(), RolePermissions.DefaultTenant, "bootstrap", ApiKeyFormat.Display(key), hash,
                Roles.Admin, [RolePermissions.AllScopes], null, null, null, null, time.GetUtcNow()), cancellationToken);
            logger.LogInformation("Created the bootstrap API key {KeyPrefix}... (admin, all scopes) in tenant 'default'", ApiKeyFormat.Display(key));
        }
        catch (DuplicateKeyException)
        {
            // Another node created it first.
        }
    }
}
